import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from evalkit._store import (
    RecordStore,
    data_fingerprint,
    estimator_fingerprint,
    stable_repr,
    task_key,
)

KEY = "0123456789abcdef" * 4


def _record():
    return {
        "strategy": "smote",
        "repeat": 1,
        "fold": 2,
        "seed": 12345,
        "test_index": np.array([3, 7, 11], dtype=np.int64),
        "y_test": np.array([0, 1, 0], dtype=np.int8),
        "proba": np.array([0.1, 1 / 3, np.nan]),
        "threshold": 0.35,
        "fit_time": 0.123456789,
        "n_train_resampled": None,
        "history": {"loss": [0.7, 0.6931471805599453]},
        "status": "ok",
        "error": "",
        "warnings": [["UserWarning", "training part has 3 minority rows"]],
        "memory_mb": float("nan"),
        "class_weight": "{0: 1, 1: 9}",
    }


def _key_parts(**changes):
    parts = {
        "data": "d",
        "estimator": "e",
        "strategy": "none",
        "train": np.arange(5),
        "test": np.arange(5, 8),
        "seed": 1,
        "pos_label": 1,
        "threshold": 0.5,
        "fit_params": {},
        "response_method": "predict_proba",
        "version": "0.1.0",
    }
    parts.update(changes)
    return parts


def _build_a(meta):
    return 1


def _build_b(meta):
    return 2


def test_round_trip_keeps_every_value_exactly(tmp_path):
    """Check that a saved record loads back with identical arrays, dtypes and fields."""
    store = RecordStore(tmp_path)
    record = _record()
    store.save(KEY, record)
    loaded = RecordStore(tmp_path).load(KEY)
    for name in ("test_index", "y_test", "proba"):
        assert loaded[name].dtype == record[name].dtype
        np.testing.assert_array_equal(loaded[name], record[name])
    assert np.isnan(loaded["memory_mb"])
    for name in ("threshold", "fit_time", "history", "warnings", "class_weight"):
        assert loaded[name] == record[name]
    assert loaded["n_train_resampled"] is None
    assert sorted(os.listdir(tmp_path)) == [KEY + ".json", KEY + ".npz"]


def test_numpy_scalars_are_stored_as_plain_numbers(tmp_path):
    """Check that NumPy scalars in the JSON part load back as equal Python numbers."""
    store = RecordStore(tmp_path)
    store.save(KEY, {"n_train": np.int64(160), "fit_time": np.float64(0.25)})
    loaded = store.load(KEY)
    assert loaded == {"n_train": 160, "fit_time": 0.25}
    assert store.n_corrupted == 0


def test_missing_record_is_none(tmp_path):
    """Check that loading a key never saved returns None without counting corruption."""
    store = RecordStore(tmp_path)
    assert store.load(KEY) is None
    assert store.n_corrupted == 0


def _truncate_npz(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_npz(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _flip_json(path):
    text = path.read_text()
    path.write_text(text.replace("0.35", "0.45"))


def _truncate_json(path):
    data = path.read_bytes()
    path.write_bytes(data[:-10])


def _delete_npz(path):
    path.unlink()


def _swap_key(path):
    document = json.loads(path.read_text())
    document["payload"]["key"] = "f" * 64
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    "damage, suffix",
    [
        (_truncate_npz, ".npz"),
        (_flip_npz, ".npz"),
        (_delete_npz, ".npz"),
        (_flip_json, ".json"),
        (_truncate_json, ".json"),
        (_swap_key, ".json"),
    ],
)
def test_corrupted_record_is_detected_and_deleted(tmp_path, damage, suffix):
    """Check that a damaged record is never trusted: counted, deleted, warned about once."""
    store = RecordStore(tmp_path)
    store.save(KEY, _record())
    damage(tmp_path / (KEY + suffix))
    store = RecordStore(tmp_path)
    assert store.load(KEY) is None
    assert store.n_corrupted == 1
    assert not (tmp_path / (KEY + ".json")).exists()
    with pytest.warns(UserWarning, match=r"^1 cached record\(s\) in .* were truncated"):
        store.warn_corrupted()


def test_no_warning_without_corruption(tmp_path, recwarn):
    """Check that warn_corrupted is silent when every record was sound."""
    store = RecordStore(tmp_path)
    store.save(KEY, _record())
    store.load(KEY)
    store.warn_corrupted()
    assert len(recwarn) == 0


def test_npz_without_json_is_ignored(tmp_path):
    """Check that a crash between the two writes leaves no record (the JSON commits it)."""
    store = RecordStore(tmp_path)
    store.save(KEY, _record())
    (tmp_path / (KEY + ".json")).unlink()
    assert store.load(KEY) is None
    assert store.n_corrupted == 0


def test_stale_temporary_files_are_removed(tmp_path):
    """Check that temporary files of a dead writer are removed and a live writer's kept."""
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f"{KEY}.json.tmp-{int(dead.stdout)}-abc"
    stale.write_text("{")
    live = tmp_path / f"{KEY}.npz.tmp-{os.getppid()}-abc"
    live.write_text("partial")
    store = RecordStore(tmp_path)
    assert not stale.exists()
    assert live.exists()
    assert store.load(KEY) is None


def test_save_leaves_no_temporary_file(tmp_path):
    """Check that a save leaves exactly the two record files behind."""
    store = RecordStore(tmp_path)
    store.save(KEY, _record())
    store.save(KEY, _record())
    assert sorted(os.listdir(tmp_path)) == [KEY + ".json", KEY + ".npz"]


def test_object_arrays_are_refused(tmp_path):
    """Check that an object array (which would need pickle) is refused, not pickled."""
    store = RecordStore(tmp_path)
    with pytest.raises(TypeError, match="'proba' is an object array"):
        store.save(KEY, {"proba": np.array([object()], dtype=object)})
    assert not os.listdir(tmp_path)


def test_pickled_npz_is_not_loaded(tmp_path):
    """Check that an npz holding a pickled object is rejected even with a valid checksum."""
    store = RecordStore(tmp_path)
    store.save(KEY, _record())
    npz = tmp_path / (KEY + ".npz")
    np.savez(npz, proba=np.array([{"a": 1}], dtype=object))
    document = json.loads((tmp_path / (KEY + ".json")).read_text())
    import hashlib

    from evalkit._store import _canonical_json

    document["payload"]["npz_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    body = _canonical_json(document["payload"]).encode()
    document["sha256"] = hashlib.sha256(body).hexdigest()
    (tmp_path / (KEY + ".json")).write_text(json.dumps(document))
    assert store.load(KEY) is None
    assert store.n_corrupted == 1


def test_cache_dir_that_is_a_file(tmp_path):
    """Check that a cache_dir naming a file raises a clear error."""
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(ValueError, match="`cache_dir` parameter must name a folder"):
        RecordStore(path)


def test_bad_key_is_refused(tmp_path):
    """Check that a key that is not 64 hex digits cannot reach the file system."""
    with pytest.raises(ValueError, match="64 hex digits"):
        RecordStore(tmp_path).load("../escape")


@pytest.mark.parametrize(
    "change",
    [
        {"data": "d2"},
        {"estimator": "e2"},
        {"strategy": "smote"},
        {"train": np.arange(1, 6)},
        {"test": np.arange(5, 9)},
        {"seed": 2},
        {"pos_label": "1"},
        {"pos_label": True},
        {"threshold": 0.3},
        {"fit_params": {"epochs": 3}},
        {"response_method": "predict"},
        {"version": "0.2.0"},
        {"options": {"track_test": True}},
    ],
)
def test_task_key_changes_with_every_part(change):
    """Check that changing any part of a task changes its key."""
    assert task_key(**_key_parts()) != task_key(**_key_parts(**change))


def test_task_key_is_stable():
    """Check that the same parts give the same key (int or int64 seed alike)."""
    key = task_key(**_key_parts())
    assert key == task_key(**_key_parts(seed=np.int64(1)))
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")


def test_data_fingerprint_sees_values_names_and_dtypes():
    """Check that the data hash changes with a value, a column name, a dtype or y."""
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "x"]})
    y = np.array([0, 1, 0])
    base = data_fingerprint(frame, y)
    assert base == data_fingerprint(frame.copy(), y.copy())
    changed = [
        data_fingerprint(frame.assign(a=[1.0, 2.0, 4.0]), y),
        data_fingerprint(frame.rename(columns={"a": "c"}), y),
        data_fingerprint(frame.astype({"a": "float32"}), y),
        data_fingerprint(frame.astype({"b": "category"}), y),
        data_fingerprint(frame.assign(b=["x", "y", "z"]), y),
        data_fingerprint(frame, np.array([1, 0, 0])),
        data_fingerprint(frame, np.array(["0", "1", "0"], dtype=object)),
        data_fingerprint(frame[["b", "a"]], y),
    ]
    assert len({base, *changed}) == len(changed) + 1
    array = np.arange(6.0).reshape(3, 2)
    assert data_fingerprint(array, y) != data_fingerprint(array.reshape(2, 3), y[:2])
    assert data_fingerprint(array, y) != data_fingerprint(array.astype(np.float32), y)


def test_estimator_fingerprint_sees_nested_parameters():
    """Check that the pipeline hash changes with a nested parameter and not otherwise."""

    def pipe(C=1.0, k=5):
        return Pipeline(
            [
                ("scale", StandardScaler()),
                ("sampler", SMOTE(k_neighbors=k)),
                ("clf", LogisticRegression(C=C)),
            ]
        )

    base = estimator_fingerprint(pipe())
    assert base == estimator_fingerprint(pipe())
    assert base != estimator_fingerprint(pipe(C=2.0))
    assert base != estimator_fingerprint(pipe(k=3))


def test_estimator_fingerprint_is_the_same_in_another_process():
    """Check that the hash holds no memory address: a new process computes the same."""
    code = (
        "from sklearn.linear_model import LogisticRegression;"
        "from imblearn.pipeline import make_pipeline;"
        "from imblearn.over_sampling import SMOTE;"
        "from evalkit._store import estimator_fingerprint;"
        "print(estimator_fingerprint(make_pipeline(SMOTE(), "
        "LogisticRegression(class_weight={0: 1, 1: 9}))))"
    )
    from imblearn.pipeline import make_pipeline

    here = estimator_fingerprint(
        make_pipeline(SMOTE(), LogisticRegression(class_weight={0: 1, 1: 9}))
    )
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here == there


def test_stable_repr_of_functions_and_addressed_objects():
    """Check that functions are told apart by name and code, and addresses never leak."""
    assert stable_repr(_build_a) == stable_repr(_build_a)
    assert stable_repr(_build_a) != stable_repr(_build_b)
    assert "0x" not in stable_repr(_build_a)

    class Opaque:
        pass

    text = stable_repr(Opaque())
    assert "0x" not in text and text.endswith("Opaque>")
    assert stable_repr(Opaque()) == text


def test_stable_repr_of_arrays_sees_every_value():
    """Check that long arrays, which repr shortens with '...', are hashed in full."""
    a = np.zeros(10_000)
    b = a.copy()
    b[5000] = 1.0
    assert repr(a) == repr(b)
    assert stable_repr(a) != stable_repr(b)
    assert stable_repr({"w": a}) != stable_repr({"w": b})


def test_keras_model_instances_are_fingerprinted_by_architecture_and_weights():
    """Check that Keras models are keyed by architecture and weights, not by name."""
    keras = pytest.importorskip("keras")

    def model(units, seed):
        init = keras.initializers.GlorotUniform(seed=seed)
        m = keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(units, kernel_initializer=init),
                keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init),
            ],
            name="m",
        )
        m.compile(loss="binary_crossentropy")
        return m

    from evalkit._store import stable_repr

    first = stable_repr(model(4, 0))
    assert first.startswith("model(")
    # Built again: Keras numbers the layers anew, the key stays.
    assert stable_repr(model(4, 0)) == first
    assert stable_repr(model(5, 0)) != first  # other architecture
    assert stable_repr(model(4, 1)) != first  # other initial weights
