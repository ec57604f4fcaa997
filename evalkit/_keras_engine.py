"""A fast training loop for Keras models that reuses one traced graph per worker.

Building a Keras model and tracing its training function costs about one to
two seconds, far more than the arithmetic of a small cross-validation fit.
This module keeps, per process, a small pool of compiled *work models*, one
per graph (architecture, input shape, loss, optimizer, metrics, compile
options).  A fit borrows a work model of the right graph, copies the fresh
initial weights of the estimator's own model into it, resets its optimizer and
metric state, trains it with one traced function per epoch that loops over
shuffled batches and calls Keras' own ``train_step``, and copies the trained
weights back.  Nothing learned ever stays in the pool: a fit after any other
fit gives the same result as in a fresh process.

What is computed is what ``model.fit`` computes: the same ``train_step`` (loss,
gradients, optimizer update, metrics), the same batch size with the last
partial batch, one shuffle of all rows per epoch, the same sample weights and
one history value per epoch, plus held-out values when validation data are
given.  Only the random permutation differs: it is drawn with NumPy from the
fit's seed rather than by ``tf.data``.

Only :mod:`evalkit.keras` imports this module (it imports TensorFlow).
"""

import json
import threading
from collections import OrderedDict

import keras
import numpy as np
import tensorflow as tf

__all__ = ["EnginePool", "graph_key", "POOL"]

# Work models kept per process, over all graphs (least recently used first out).
MAX_ENGINES = 4


def _canonical_names(config):
    """Replace layer and model names in a config by their order of appearance.

    Names (``dense_3``) change from one build to the next but do not change
    the computation; references to them (functional models' inbound nodes)
    are renamed consistently.
    """
    names = {}

    def collect(node):
        if isinstance(node, dict):
            name = node.get("name")
            if isinstance(name, str) and name not in names:
                names[name] = f"n{len(names)}"
            for value in node.values():
                collect(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                collect(value)

    def rename(node):
        if isinstance(node, dict):
            return {k: rename(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [rename(v) for v in node]
        if isinstance(node, str):
            return names.get(node, node)
        return node

    collect(config)
    return rename(config)


def graph_key(model, input_shape):
    """Return a string naming everything that defines the training graph.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    input_shape : tuple of int
        Shape of one input row.

    Returns
    -------
    key : str or None
        None when the model cannot be described (a subclassed model, custom
        objects that do not serialise); such models use ``model.fit``.
    """
    try:
        config = keras.saving.serialize_keras_object(model)
        compile_config = model.get_compile_config()
        key = json.dumps(
            {
                "model": _canonical_names(config),
                "compile": _canonical_names(compile_config),
                "input_shape": [int(d) for d in input_shape],
                "floatx": keras.backend.floatx(),
            },
            sort_keys=True,
        )
    except Exception:
        return None
    return key


class _Engine:
    """One compiled work model with its traced epoch, evaluation and predict."""

    def __init__(self, template):
        model = keras.models.clone_model(template)
        model.compile_from_config(template.get_compile_config())
        self.model = model
        self._epoch_functions = {}
        self._evaluate_function = None
        self._predict_functions = {}
        self._built = False
        self._optimizer_start = None

    # -- state -----------------------------------------------------------

    def _build(self, x, y, sample_weight):
        model = self.model
        batch = (
            (x[:1], y[:1])
            if sample_weight is None
            else (
                x[:1],
                y[:1],
                sample_weight[:1],
            )
        )
        model._symbolic_build(data_batch=batch)
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in model.optimizer.variables]
        self._built = True

    def load(self, source):
        """Copy ``source``'s variables (weights, seed states) into the work model."""
        for target, value in zip(self.model.variables, source.variables, strict=True):
            target.assign(value)

    def store(self, target):
        """Copy the work model's variables and optimizer state into ``target``.

        ``target`` then holds what ``target.fit`` would have left: trained
        weights and a built optimizer with its moments and iteration count.
        """
        for dest, value in zip(target.variables, self.model.variables, strict=True):
            dest.assign(value)
        optimizer = target.optimizer
        if optimizer is not None:
            if not optimizer.built:
                optimizer.build(target.trainable_variables)
            for dest, value in zip(
                optimizer.variables, self.model.optimizer.variables, strict=True
            ):
                dest.assign(value)

    def _reset_optimizer(self):
        for variable, value in zip(
            self.model.optimizer.variables, self._optimizer_start, strict=True
        ):
            variable.assign(value)

    # -- traced functions ------------------------------------------------

    def _epoch_function(self, n_dims, weighted):
        key = (n_dims, weighted)
        function = self._epoch_functions.get(key)
        if function is not None:
            return function
        model = self.model
        signature = [
            tf.TensorSpec([None] * n_dims, tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.int32),
            tf.TensorSpec([], tf.int32),
        ]

        @tf.function(input_signature=signature, reduce_retracing=False)
        def run_epoch(x, y, sample_weight, order, batch_size):
            for metric in model.metrics:
                metric.reset_state()
            n = tf.shape(order)[0]
            n_batches = (n + batch_size - 1) // batch_size
            for i in tf.range(n_batches):
                index = order[i * batch_size : tf.minimum((i + 1) * batch_size, n)]
                if weighted:
                    data = (
                        tf.gather(x, index),
                        tf.gather(y, index),
                        tf.gather(sample_weight, index),
                    )
                else:
                    data = (tf.gather(x, index), tf.gather(y, index))
                model.train_step(data)
            return model.get_metrics_result()

        self._epoch_functions[key] = run_epoch
        return run_epoch

    def _evaluate(self, n_dims):
        if self._evaluate_function is not None:
            return self._evaluate_function
        model = self.model
        signature = [
            tf.TensorSpec([None] * n_dims, tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([], tf.int32),
        ]

        @tf.function(input_signature=signature)
        def run_evaluate(x, y, batch_size):
            for metric in model.metrics:
                metric.reset_state()
            n = tf.shape(x)[0]
            n_batches = (n + batch_size - 1) // batch_size
            for i in tf.range(n_batches):
                stop = tf.minimum((i + 1) * batch_size, n)
                model.test_step((x[i * batch_size : stop], y[i * batch_size : stop]))
            return model.get_metrics_result()

        self._evaluate_function = run_evaluate
        return run_evaluate

    def _predict(self, n_dims):
        function = self._predict_functions.get(n_dims)
        if function is not None:
            return function
        model = self.model
        signature = [
            tf.TensorSpec([None] * n_dims, tf.float32),
            tf.TensorSpec([], tf.int32),
        ]

        @tf.function(input_signature=signature)
        def run_predict(x, batch_size):
            n = tf.shape(x)[0]
            n_batches = (n + batch_size - 1) // batch_size
            outputs = tf.TensorArray(tf.float32, size=n_batches, infer_shape=False)
            for i in tf.range(n_batches):
                stop = tf.minimum((i + 1) * batch_size, n)
                out = model.predict_step((x[i * batch_size : stop],))
                outputs = outputs.write(i, tf.cast(out, tf.float32))
            return outputs.concat()

        self._predict_functions[n_dims] = run_predict
        return run_predict

    # -- public ----------------------------------------------------------

    def fit(
        self,
        x,
        y,
        sample_weight,
        *,
        epochs,
        batch_size,
        shuffle,
        seed,
        validation=None,
        validation_batch_size=None,
    ):
        """Train the work model; return the per-epoch history."""
        if not self._built:
            self._build(x, y, sample_weight)
        self._reset_optimizer()
        n = x.shape[0]
        weighted = sample_weight is not None
        run_epoch = self._epoch_function(x.ndim, weighted)
        x_t = tf.convert_to_tensor(x)
        y_t = tf.convert_to_tensor(y)
        w_t = tf.convert_to_tensor(
            sample_weight if weighted else np.zeros(0, dtype=np.float32)
        )
        size = tf.constant(int(batch_size), tf.int32)
        if validation is not None:
            run_evaluate = self._evaluate(x.ndim)
            x_val = tf.convert_to_tensor(validation[0])
            y_val = tf.convert_to_tensor(validation[1])
            val_size = tf.constant(int(validation_batch_size or batch_size), tf.int32)
        rng = np.random.RandomState(seed)
        identity = np.arange(n, dtype=np.int32)
        history = {}
        for _ in range(epochs):
            order = rng.permutation(n).astype(np.int32) if shuffle else identity
            logs = {
                k: float(v) for k, v in run_epoch(x_t, y_t, w_t, order, size).items()
            }
            if validation is not None:
                val_logs = run_evaluate(x_val, y_val, val_size)
                logs.update({f"val_{k}": float(v) for k, v in val_logs.items()})
            for key, value in logs.items():
                history.setdefault(key, []).append(value)
        optimizer = self.model.optimizer
        optimizer.finalize_variable_values(self.model.trainable_weights)
        return history

    def predict(self, x, *, batch_size):
        """Return the work model's output for ``x``, batch by batch."""
        run_predict = self._predict(x.ndim)
        out = run_predict(
            tf.convert_to_tensor(x), tf.constant(int(batch_size), tf.int32)
        )
        return out.numpy()


class EnginePool:
    """A small, thread-safe pool of work models keyed by graph.

    A caller takes an engine out with :meth:`acquire` (it is then its own) and
    gives it back with :meth:`release`.  At most ``max_engines`` idle engines
    are kept; the least recently used go first.

    Parameters
    ----------
    max_engines : int, default=4
        Idle engines kept per process, over all graphs.
    """

    def __init__(self, max_engines=MAX_ENGINES):
        self.max_engines = max_engines
        self._idle = OrderedDict()  # key -> list of engines
        self._lock = threading.Lock()
        self.n_built = 0

    def acquire(self, key, template):
        """Return an idle engine for ``key``, or a new one built from ``template``."""
        with self._lock:
            engines = self._idle.get(key)
            if engines:
                engine = engines.pop()
                if not engines:
                    del self._idle[key]
                return engine
        engine = _Engine(template)
        with self._lock:
            self.n_built += 1
        return engine

    def release(self, key, engine):
        """Give ``engine`` back for later fits; evict beyond ``max_engines``."""
        with self._lock:
            self._idle.setdefault(key, []).append(engine)
            self._idle.move_to_end(key)
            while sum(len(v) for v in self._idle.values()) > self.max_engines:
                oldest = next(iter(self._idle))
                self._idle[oldest].pop(0)
                if not self._idle[oldest]:
                    del self._idle[oldest]

    def clear(self):
        """Drop every idle engine."""
        with self._lock:
            self._idle.clear()

    def __len__(self):
        with self._lock:
            return sum(len(v) for v in self._idle.values())


POOL = EnginePool()
