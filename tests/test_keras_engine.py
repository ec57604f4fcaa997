"""Tests for evalkit._keras_engine."""

import keras
import numpy as np
import pytest

from evalkit._keras_engine import EnginePool, _canonical_names, graph_key


def sequential(units=4, n_features=3, learning_rate=1e-3, metrics=None):
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=metrics,
    )
    return model


def functional(units=4):
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(units, activation="relu")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_graph_key_ignores_generated_names():
    """Check that two builds of the same network (layer names dense, dense_1,
    ...) share one key, for Sequential and functional models."""
    for build in (sequential, functional):
        first, second = build(), build()
        assert first.layers[-1].name != second.layers[-1].name
        assert graph_key(first, (3,)) == graph_key(second, (3,))


@pytest.mark.parametrize(
    "other",
    [
        dict(units=5),
        dict(n_features=4),
        dict(learning_rate=1e-2),
        dict(metrics=["binary_accuracy"]),
    ],
    ids=["units", "n-features", "learning-rate", "metrics"],
)
def test_graph_key_changes_with_what_defines_the_graph(other):
    """Check that architecture, input width, optimizer settings and metrics
    are all part of the key."""
    n_features = other.get("n_features", 3)
    assert graph_key(sequential(), (3,)) != graph_key(
        sequential(**other), (n_features,)
    )


def test_graph_key_is_none_for_models_without_config():
    """Check that a subclassed model that cannot be serialised gets no key."""

    class Custom(keras.Model):
        def __init__(self, scale):
            super().__init__()
            self.scale = scale
            self.dense = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            return self.dense(x * self.scale)

    model = Custom(object())
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert graph_key(model, (3,)) is None


def test_canonical_names_rename_references_consistently():
    """Check that names and references to them are renamed together."""
    config = {
        "name": "model_7",
        "layers": [{"name": "dense_3"}, {"name": "out", "inbound": [["dense_3", 0]]}],
    }
    assert _canonical_names(config) == {
        "name": "n0",
        "layers": [{"name": "n1"}, {"name": "n2", "inbound": [["n1", 0]]}],
    }


def test_pool_reuses_and_bounds_engines():
    """Check that a released engine is handed out again for its key, that
    other keys get new ones, and that at most max_engines idle ones are kept
    (the least recently used leave first)."""
    pool = EnginePool(max_engines=2)
    model = sequential()
    a = pool.acquire("a", model)
    pool.release("a", a)
    assert pool.acquire("a", model) is a
    assert pool.n_built == 1
    b, c = pool.acquire("b", model), pool.acquire("c", model)
    for key, engine in (("a", a), ("b", b), ("c", c)):
        pool.release(key, engine)
    assert len(pool) == 2
    assert pool.acquire("a", model) is not a  # evicted, a new one is built
    assert pool.acquire("c", model) is c
    pool.clear()
    assert len(pool) == 0


def test_engine_trains_and_predicts_like_the_model():
    """Check that the engine's prediction equals model.predict exactly, after
    its trained weights are stored into the model, and that the optimizer
    state is stored too."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(70, 3)).astype("float32")
    y = (X[:, :1] > 0).astype("float32")
    model = sequential()
    pool = EnginePool()
    engine = pool.acquire("k", model)
    engine.load(model)
    history = engine.fit(X, y, None, epochs=2, batch_size=16, shuffle=True, seed=0)
    engine.store(model)
    assert list(history) == ["loss"] and len(history["loss"]) == 2
    assert int(model.optimizer.iterations.numpy()) == 2 * 5
    np.testing.assert_array_equal(
        engine.predict(X, batch_size=16), model.predict(X, batch_size=16, verbose=0)
    )
