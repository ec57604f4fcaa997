"""Finished task records on disk, so that an interrupted evaluation resumes.

Every finished task is written as soon as it arrives, in two files named by
the task's key (a sha256 fingerprint of everything that determines the
result):

- ``<key>.npz``: the record's arrays (out-of-fold probabilities, test
  indices, labels), written with :func:`numpy.savez` and read back with
  ``allow_pickle=False``;
- ``<key>.json``: every other field, the sha256 of the ``.npz`` bytes and a
  sha256 of its own content.

Neither format can run code when read; nothing is ever pickled.  Each file is
written to a temporary file in the same folder, flushed to disk and moved
into place with :func:`os.replace`, the ``.npz`` first: a record exists only
once its ``.json`` does.  A crash half-way through writing therefore leaves at
worst a temporary file (ignored, and removed once its writer is gone) or an
``.npz`` without its ``.json`` (ignored, overwritten when the task is
recomputed).  A record whose checksums do not match is counted as corrupted
and never trusted.

Records are plain dicts (the fields of the runner's record); converting them
to and from record objects is the caller's job, so that this module depends
on NumPy and the standard library only.
"""

import hashlib
import io
import json
import os
import re
import uuid
import warnings
import zipfile

import numpy as np

__all__ = [
    "RecordStore",
    "data_fingerprint",
    "estimator_fingerprint",
    "stable_repr",
    "task_key",
]

_FORMAT = 1
_TMP_MARK = ".tmp-"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _qualified_name(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"


def _code_digest(code):
    """Hash a code object: bytecode, constants (recursively) and names."""
    h = hashlib.sha256(code.co_code)
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            h.update(_code_digest(const).encode())
        else:
            h.update(stable_repr(const).encode())
    h.update(repr(code.co_names).encode())
    return h.hexdigest()[:16]


def _canonical_model_json(text):
    """Return a Keras model's JSON with its layer and model names numbered.

    Keras names layers from a per-process counter (``dense``, ``dense_1``,
    ...), so two identical models built one after the other differ only in
    their names.  Every name (a string under a ``"name"`` key) is replaced,
    wherever it occurs, by its order of first appearance, which keeps the
    connections between layers and drops the counter.
    """
    config = json.loads(text)
    names = {}

    def collect(node):
        if isinstance(node, dict):
            name = node.get("name")
            if isinstance(name, str) and name not in names:
                names[name] = f"<name {len(names)}>"
            for item in node.values():
                collect(item)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    def rename(node):
        if isinstance(node, dict):
            return {key: rename(item) for key, item in node.items()}
        if isinstance(node, list):
            return [rename(item) for item in node]
        if isinstance(node, str):
            return names.get(node, node)
        return node

    collect(config)
    return json.dumps(rename(config), sort_keys=True)


def stable_repr(value):
    """Return a text that identifies ``value`` and is the same in every process.

    Estimators are written as their class name and parameters (recursively,
    never through ``repr``, which scikit-learn shortens with ``...``); arrays
    as their dtype, shape and a hash of their bytes; functions as their
    qualified name and a hash of their code, so that editing a model-building
    function invalidates the records made with it.

    Parameters
    ----------
    value : object
        A parameter value.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from evalkit._store import stable_repr
    >>> stable_repr(LogisticRegression(C=2.0)) == stable_repr(LogisticRegression(C=2.0))
    True
    """
    if value is None or isinstance(value, (bool, int, float, str, bytes, complex)):
        return repr(value)
    if isinstance(value, np.generic):
        return f"{value.dtype.str}:{value!r}"
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            inner = "\x1f".join(stable_repr(v) for v in value.ravel().tolist())
            digest = _sha256(inner.encode())
        else:
            digest = _sha256(np.ascontiguousarray(value).tobytes())
        return f"ndarray({value.dtype.str}, {value.shape}, {digest})"
    if isinstance(value, type):
        return _qualified_name(value)
    if hasattr(value, "get_params"):
        try:
            params = value.get_params(deep=False)
        except Exception:  # an object with an unusual get_params: use its type
            params = {}
        inner = ", ".join(f"{k}={stable_repr(v)}" for k, v in sorted(params.items()))
        return f"{_qualified_name(type(value))}({inner})"
    if isinstance(value, dict):
        items = sorted((stable_repr(k), stable_repr(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(stable_repr(v) for v in value)
        return f"{type(value).__name__}[{inner}]"
    if isinstance(value, (set, frozenset)):
        return "set{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if callable(getattr(value, "to_json", None)) and callable(
        getattr(value, "get_weights", None)
    ):
        # A Keras model instance: its architecture and its weights.
        try:
            weights = _sha256(
                b"".join(np.asarray(w).tobytes() for w in value.get_weights())
            )
            architecture = _sha256(_canonical_model_json(value.to_json()).encode())
            return f"model({architecture}, {weights})"
        except Exception:  # an unbuilt or unusual model: fall through to repr
            pass
    code = getattr(value, "__code__", None)
    if code is not None and hasattr(code, "co_code"):
        defaults = stable_repr(getattr(value, "__defaults__", None))
        return f"function {_qualified_name(value)}:{_code_digest(code)}:{defaults}"
    text = repr(value)
    if _ADDRESS.search(text):
        # The repr holds a memory address, which differs in every process: the
        # object is identified by its type name only.  Changes inside such an
        # object are not seen by the cache; clear the cache folder after
        # changing one.
        return f"<{_qualified_name(type(value))}>"
    return text


def _column_digest(values):
    values = np.asarray(values)
    if values.dtype.kind in "biufcmM":
        return _sha256(np.ascontiguousarray(values).tobytes())
    return _sha256("\x1f".join(map(stable_repr, values.tolist())).encode())


def data_fingerprint(X, y):
    """Hash the evaluated data: X's values, column names and dtypes, and y.

    Parameters
    ----------
    X : pandas.DataFrame or numpy.ndarray
        Validated features.
    y : numpy.ndarray
        Validated labels.

    Returns
    -------
    digest : str
        Hex sha256.
    """
    h = hashlib.sha256()
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        h.update(f"frame {X.shape}".encode())
        for j, name in enumerate(X.columns):
            column = X.iloc[:, j]
            h.update(f"{stable_repr(name)}|{column.dtype!r}|".encode())
            h.update(_column_digest(column.to_numpy()).encode())
    else:
        X = np.asarray(X)
        h.update(f"array {X.dtype.str} {X.shape}|".encode())
        h.update(_column_digest(X.ravel()).encode())
    y = np.asarray(y)
    h.update(f"|y {y.dtype.str}|".encode())
    h.update(_column_digest(y).encode())
    return h.hexdigest()


def estimator_fingerprint(estimator):
    """Hash an unfitted estimator's parameters.

    Parameters
    ----------
    estimator : estimator
        Anything with ``get_params``.

    Returns
    -------
    digest : str
        Hex sha256 of the sorted ``get_params(deep=True)`` items written with
        :func:`stable_repr`.
    """
    items = sorted(estimator.get_params(deep=True).items())
    text = "\n".join(f"{k}={stable_repr(v)}" for k, v in items)
    return _sha256(f"{_qualified_name(type(estimator))}\n{text}".encode())


def task_key(
    *,
    data,
    estimator,
    strategy,
    train,
    test,
    seed,
    pos_label,
    threshold,
    fit_params,
    response_method,
    version,
    options=None,
):
    """The key of one task's record: a sha256 of everything its result depends on.

    Metrics are computed later from the stored probabilities, so the scoring
    is not part of the key.

    Parameters
    ----------
    data : str
        :func:`data_fingerprint` of the evaluated data.
    estimator : str
        :func:`estimator_fingerprint` of the strategy's pipeline.
    strategy : str
        Strategy name.
    train, test : numpy.ndarray
        Row positions of the training and test parts.
    seed : int
        The task's seed.
    pos_label : object
        The positive class.
    threshold : float
        The evaluation's decision threshold.
    fit_params : dict
        Options passed to the classifier's ``fit``.
    response_method : str
        ``"predict_proba"`` or ``"predict"``.
    version : str
        evalkit's version: a new version recomputes every record.
    options : dict or None, default=None
        Any other option that changes what a task records (for example
        whether held-out history is tracked).

    Returns
    -------
    key : str
        64 hex digits.
    """
    parts = [
        f"evalkit-record {_FORMAT}",
        f"version={version}",
        f"data={data}",
        f"estimator={estimator}",
        f"strategy={strategy!r}",
        f"train={stable_repr(np.asarray(train, dtype=np.int64))}",
        f"test={stable_repr(np.asarray(test, dtype=np.int64))}",
        f"seed={int(seed)}",
        f"pos_label={stable_repr(pos_label)}",
        f"threshold={float(threshold)!r}",
        f"fit_params={stable_repr(dict(fit_params or {}))}",
        f"response_method={response_method}",
        f"options={stable_repr(dict(options or {}))}",
    ]
    return _sha256("\n".join(parts).encode())


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(
        f"Record values must be JSON-serialisable; got {type(value).__name__}."
    )


def _canonical_json(payload):
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), default=_json_default
    )


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class RecordStore:
    """A folder of finished task records, keyed by :func:`task_key`.

    Parameters
    ----------
    path : str or os.PathLike
        The folder; created if missing.  Temporary files left by a writer that
        no longer runs are removed.

    Attributes
    ----------
    n_corrupted : int
        Records found truncated or corrupted by :meth:`load` so far.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from evalkit._store import RecordStore
    >>> store = RecordStore(tempfile.mkdtemp())
    >>> store.save("ab" * 32, {"proba": np.array([0.25, 0.75]), "status": "ok"})
    >>> store.load("ab" * 32)["proba"]
    array([0.25, 0.75])
    """

    def __init__(self, path):
        path = os.fspath(path)
        if os.path.exists(path) and not os.path.isdir(path):
            raise ValueError(
                f"The `cache_dir` parameter must name a folder; {path!r} is a file. "
                "Pass the path of a new or existing folder."
            )
        os.makedirs(path, exist_ok=True)
        self.path = path
        self.n_corrupted = 0
        self._remove_stale_temporaries()

    def _file(self, key, suffix):
        if not re.fullmatch(r"[0-9a-f]{64}", key):
            raise ValueError(f"A record key must be 64 hex digits. Got {key!r}.")
        return os.path.join(self.path, key + suffix)

    def _remove_stale_temporaries(self):
        for name in os.listdir(self.path):
            if _TMP_MARK not in name:
                continue
            try:
                pid = int(name.split(_TMP_MARK, 1)[1].split("-", 1)[0])
            except ValueError:
                pid = None
            if pid is not None and pid != os.getpid() and _pid_alive(pid):
                continue  # another evaluation is writing it right now
            try:
                os.remove(os.path.join(self.path, name))
            except OSError:
                pass

    def _write_atomic(self, target, data):
        tmp = f"{target}{_TMP_MARK}{os.getpid()}-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            try:
                os.remove(tmp)
            except OSError:
                pass
            raise
        self._sync_folder()

    def _sync_folder(self):
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:  # folders cannot be opened on some platforms
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def save(self, key, record):
        """Write one record atomically.

        Parameters
        ----------
        key : str
            From :func:`task_key`.
        record : dict
            Field name -> value.  NumPy arrays (numeric, never object) go to the
            ``.npz`` file; every other value must be JSON-serialisable (tuples
            come back as lists).
        """
        arrays = {k: v for k, v in record.items() if isinstance(v, np.ndarray)}
        fields = {k: v for k, v in record.items() if k not in arrays}
        for name, array in arrays.items():
            if array.dtype.kind == "O":
                raise TypeError(
                    f"Record field {name!r} is an object array, which cannot be "
                    "stored without pickle; convert it to numbers."
                )
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        npz = buffer.getvalue()
        payload = {
            "format": _FORMAT,
            "key": key,
            "npz_sha256": _sha256(npz),
            "fields": fields,
        }
        body = _canonical_json(payload)
        document = {"sha256": _sha256(body.encode()), "payload": payload}
        self._write_atomic(self._file(key, ".npz"), npz)
        self._write_atomic(self._file(key, ".json"), _canonical_json(document).encode())

    def load(self, key):
        """Read one record, or ``None`` if it is missing or corrupted.

        A corrupted record (unreadable JSON, a checksum that does not match, an
        ``.npz`` that is missing, truncated or holds objects) is counted in
        :attr:`n_corrupted`, deleted, and reported as missing.

        Parameters
        ----------
        key : str
            From :func:`task_key`.

        Returns
        -------
        record : dict or None
        """
        json_path = self._file(key, ".json")
        try:
            with open(json_path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return None
        try:
            document = json.loads(raw.decode())
            payload = document["payload"]
            if _sha256(_canonical_json(payload).encode()) != document["sha256"]:
                raise ValueError("checksum of the JSON part does not match")
            if payload["format"] != _FORMAT or payload["key"] != key:
                raise ValueError("format or key does not match")
            with open(self._file(key, ".npz"), "rb") as fh:
                npz = fh.read()
            if _sha256(npz) != payload["npz_sha256"]:
                raise ValueError("checksum of the array part does not match")
            with np.load(io.BytesIO(npz), allow_pickle=False) as arrays:
                record = {name: arrays[name] for name in arrays.files}
            record.update(payload["fields"])
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            zipfile.BadZipFile,
        ):
            self.n_corrupted += 1
            self.discard(key)
            return None
        return record

    def discard(self, key):
        """Delete one record's files if they exist.

        Parameters
        ----------
        key : str
            From :func:`task_key`.
        """
        for suffix in (".json", ".npz"):
            try:
                os.remove(self._file(key, suffix))
            except FileNotFoundError:
                pass

    def warn_corrupted(self):
        """Warn once, with their count, about corrupted records found so far."""
        if self.n_corrupted:
            warnings.warn(
                f"{self.n_corrupted} cached record(s) in {self.path!r} were "
                "truncated or corrupted (checksum mismatch); they are ignored, "
                "deleted and recomputed.",
                UserWarning,
                stacklevel=3,
            )
