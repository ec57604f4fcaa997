"""Reading a saved evaluation back: :func:`load_report`.

A folder written by :meth:`EvaluationReport.to_csv` holds the out-of-fold
probabilities and what is needed to recompute every metric from them.  Every
file is checked before it is used, and a damaged one is named with the line
and the fix.
"""

import json
import os
import shlex
from pathlib import Path

import numpy as np
import pandas as pd

from ._runner import FoldRecord
from .datasets import _first_non_utf8
from .metrics import check_metrics
from .report import _FOLD_INFO_COLUMNS, EvaluationReport

__all__ = ["load_report"]


_KEY_COLUMNS = ("strategy", "repeat", "fold")
# Columns of the saved tables, by kind: whole numbers (never empty), whole
# numbers that may be empty, numbers that may be empty (NaN), text.
_SAVED_TABLES = {
    "predictions.csv": {
        "int": ("repeat", "fold", "row", "y_true"),
        "float": ("proba",),
        "text": ("strategy",),
    },
    "fold_info.csv": {
        "int": (
            "repeat",
            "fold",
            "seed",
            "n_train",
            "n_test",
            "n_pos_train",
            "n_pos_test",
        ),
        "nullable_int": ("n_train_resampled", "n_pos_train_resampled"),
        "float": ("fit_time", "predict_time", "threshold", "memory_mb"),
        "text": ("strategy", "class_weight", "status", "error"),
    },
    "history.csv": {
        "int": ("repeat", "fold", "epoch"),
        "float": ("value",),
        "text": ("strategy", "metric"),
    },
}


def _damaged(folder, name, problem):
    """The error for a file of a saved run that cannot be used."""
    where = os.fspath(folder)
    return ValueError(
        f"{name} in {where!r} {problem}. The file is incomplete or damaged; rebuild "
        "the folder by running the evaluation again: `evalkit compare DATA.csv "
        f"--target COL ... --out {shlex.quote(where)}` (or `evalkit demo --out "
        f"{shlex.quote(where)}`, or EvaluationReport.to_csv() from Python); with the "
        "same --cache folder, finished folds are reused."
    )


def _line(frame, position):
    """The line of the file that holds a row: the header is line 1."""
    return int(frame.index[position]) + 2


def _bad_cell(folder, name, frame, mask, column, expected, because=""):
    """The error for the cells of ``column`` where ``mask`` is true."""
    mask = np.asarray(mask, dtype=bool)
    position = int(np.flatnonzero(mask)[0])
    value = frame[column].iloc[position]
    value = value.item() if isinstance(value, np.generic) else value
    shown = "an empty cell" if pd.isna(value) else repr(value)
    n_more = int(mask.sum()) - 1
    more = f" ({n_more} more cell(s) of that column are wrong)" if n_more else ""
    return _damaged(
        folder,
        name,
        f"holds {shown} in column {column!r} on line {_line(frame, position)}, "
        f"where {expected} is expected{because}{more}",
    )


def _not_utf8(folder, name, exc):
    where = _first_non_utf8(os.fspath(folder / name))
    detail = exc.reason
    if where is not None:
        value, offset, line, detail = where
        detail = f"byte 0x{value:02X} at offset {offset}, line {line}: {detail}"
    return _damaged(folder, name, f"is not UTF-8 text ({detail})")


def _read_saved_table(folder, name):
    """Read one CSV file of a saved run and check its columns' types."""
    kinds = _SAVED_TABLES[name]
    columns = [c for kind in kinds.values() for c in kind]
    try:
        # Only empty cells are missing: a strategy may be called "NA" or "None".
        frame = pd.read_csv(
            folder / name,
            keep_default_na=False,
            na_values=[""],
            dtype={c: str for c in kinds["text"]},
        )
    except UnicodeDecodeError as exc:
        raise _not_utf8(folder, name, exc) from exc
    except pd.errors.EmptyDataError as exc:
        raise _damaged(folder, name, "is empty") from exc
    except (ValueError, OSError) as exc:  # pandas' ParserError is a ValueError
        text = " ".join(str(exc).split())
        raise _damaged(folder, name, f"cannot be read as CSV ({text})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise _damaged(folder, name, f"has no column {', '.join(map(repr, missing))}")
    nullable = kinds.get("nullable_int", ())
    for column in kinds.get("int", ()) + nullable:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values != np.round(values))
        if column in nullable:
            bad &= frame[column].notna()
        if bad.any():
            raise _bad_cell(folder, name, frame, bad, column, "a whole number")
        frame[column] = values.astype("Int64" if column in nullable else "int64")
    for column in kinds.get("float", ()):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            raise _bad_cell(folder, name, frame, bad, column, "a number")
        frame[column] = values.astype(np.float64)
    for column in ("strategy", "metric", "status"):
        if column in kinds["text"] and frame[column].isna().any():
            raise _bad_cell(folder, name, frame, frame[column].isna(), column, "a name")
    return frame


def _read_meta(folder):
    """Read and check meta.json of a saved run."""
    name = "meta.json"
    try:
        meta = json.loads((folder / name).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise _not_utf8(folder, name, exc) from exc
    except json.JSONDecodeError as exc:
        raise _damaged(
            folder,
            name,
            f"is not valid JSON ({exc.msg} on line {exc.lineno}, column {exc.colno})",
        ) from exc
    except OSError as exc:
        raise _damaged(folder, name, f"cannot be read ({exc})") from exc
    if not isinstance(meta, dict):
        raise _damaged(folder, name, "does not hold a JSON object")
    missing = [
        k for k in ("metrics", "pos_label", "classes", "strategies") if k not in meta
    ]
    if missing:
        raise _damaged(folder, name, f"has no key {', '.join(map(repr, missing))}")

    def names(key):
        value = meta[key]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) for v in value)
            or len(set(value)) != len(value)
        ):
            raise _damaged(
                folder,
                name,
                f'holds "{key}": {json.dumps(value)}, where a list of distinct names '
                "is expected",
            )
        return value

    names("metrics")
    names("strategies")
    classes = meta["classes"]
    if not isinstance(classes, list) or len(classes) != 2 or classes[0] == classes[1]:
        raise _damaged(
            folder,
            name,
            f'holds "classes": {json.dumps(classes)}, where two labels are expected',
        )
    if meta["pos_label"] not in classes:
        raise _damaged(
            folder,
            name,
            f'holds "pos_label": {json.dumps(meta["pos_label"])}, which is not one of '
            f'its "classes" {json.dumps(classes)}',
        )
    for key in ("data", "params", "costs"):
        if meta.get(key) is not None and not isinstance(meta[key], dict):
            raise _damaged(
                folder,
                name,
                f'holds "{key}": {json.dumps(meta[key])}, where a JSON object or null '
                "is expected",
            )
    try:
        check_metrics(list(meta["metrics"]), meta.get("costs"))
    except (ValueError, TypeError) as exc:
        text = " ".join(str(exc).split())
        raise _damaged(
            folder, name, f"lists metrics or costs evalkit cannot use ({text})"
        ) from exc
    return meta


def _check_keys(folder, name, frame, known, what):
    """Refuse rows of ``frame`` whose (strategy, repeat, fold) is not ``known``."""
    keys = pd.MultiIndex.from_frame(frame[list(_KEY_COLUMNS)])
    unknown = ~keys.isin(known)
    if unknown.any():
        position = int(np.flatnonzero(unknown)[0])
        strategy, repeat, fold = keys[position]
        raise _damaged(
            folder,
            name,
            f"holds {int(unknown.sum())} row(s) of tasks that {what} does not list, "
            f"the first on line {_line(frame, position)} (strategy {strategy!r}, "
            f"repeat {repeat}, fold {fold})",
        )


def load_report(directory):
    """Rebuild an :class:`EvaluationReport` saved with ``to_csv``.

    Nothing is trained again: every metric is recomputed from the saved
    out-of-fold probabilities.  Every file read is checked first: a file
    that is damaged (cut, edited by hand, not CSV or not JSON, a cell that is
    not a number, rows that do not fit together) raises an error naming that
    file, the line and the fix.

    Parameters
    ----------
    directory : str or path-like
        A folder written by :meth:`EvaluationReport.to_csv` (or by the
        ``evalkit compare`` and ``evalkit demo`` commands).  It holds
        ``meta.json``, ``fold_info.csv``, ``predictions.csv`` and, if
        present, ``history.csv``.

    Returns
    -------
    report : EvaluationReport

    Raises
    ------
    FileNotFoundError
        If ``directory`` does not exist or misses one of the files.
    NotADirectoryError
        If ``directory`` is a file.
    ValueError
        If one of the files is damaged; the message names it.
    """
    folder = Path(directory)
    where = os.fspath(folder)
    hint = (
        "Point to the --out folder of `evalkit compare` or a folder written by "
        "EvaluationReport.to_csv()."
    )
    if folder.is_file():
        parent = folder.parent
        if (parent / "meta.json").is_file():
            hint = (
                "Point to the folder that holds it, "
                f"{os.fspath(parent)!r}, written by `evalkit compare --out` or "
                "EvaluationReport.to_csv()."
            )
        else:
            hint = (
                "Point to the folder written by `evalkit compare --out` (or by "
                "EvaluationReport.to_csv()), which holds meta.json, fold_info.csv "
                "and predictions.csv."
            )
        raise NotADirectoryError(f"{where!r} is a file, not a folder. {hint}")
    if not folder.is_dir():
        raise FileNotFoundError(f"The folder {where!r} does not exist. {hint}")
    needed = ["meta.json", "predictions.csv", "fold_info.csv"]
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{where!r} is not a saved evalkit run: missing "
            f"{', '.join(missing)}. {hint}"
        )
    meta = _read_meta(folder)
    info = _read_saved_table(folder, "fold_info.csv")
    preds = _read_saved_table(folder, "predictions.csv")
    hist_path = folder / "history.csv"
    hist = _read_saved_table(folder, "history.csv") if hist_path.is_file() else None

    strategies = meta["strategies"]
    unknown = sorted(set(info["strategy"]) - set(strategies))
    if unknown:
        raise _damaged(
            folder,
            "fold_info.csv",
            f"lists strategies that meta.json does not name: "
            f"{', '.join(map(repr, unknown))}",
        )
    absent = [s for s in strategies if s not in set(info["strategy"])]
    if absent:
        raise _damaged(
            folder,
            "fold_info.csv",
            f"has no row for the strategies {', '.join(map(repr, absent))} that "
            "meta.json names",
        )
    bad_status = ~info["status"].isin(["ok", "failed"])
    if bad_status.any():
        raise _bad_cell(
            folder, "fold_info.csv", info, bad_status, "status", "'ok' or 'failed'"
        )
    tasks = pd.MultiIndex.from_frame(info[list(_KEY_COLUMNS)])
    if tasks.has_duplicates:
        position = int(np.flatnonzero(tasks.duplicated())[0])
        raise _damaged(
            folder,
            "fold_info.csv",
            f"lists the task on line {_line(info, position)} (strategy "
            f"{tasks[position][0]!r}, repeat {tasks[position][1]}, fold "
            f"{tasks[position][2]}) twice",
        )
    _check_keys(folder, "predictions.csv", preds, tasks, "fold_info.csv")
    if hist is not None:
        _check_keys(folder, "history.csv", hist, tasks, "fold_info.csv")
    for column, ok, expected in (
        ("y_true", preds["y_true"].isin([0, 1]), "0 or 1"),
        ("row", preds["row"] >= 0, "a row number >= 0"),
        (
            "proba",
            preds["proba"].isna() | preds["proba"].between(0.0, 1.0),
            "a probability in [0, 1]",
        ),
    ):
        if not ok.all():
            raise _bad_cell(folder, "predictions.csv", preds, ~ok, column, expected)

    by_task = dict(iter(preds.groupby(list(_KEY_COLUMNS), sort=False)))
    hist_by_task = (
        dict(iter(hist.groupby(list(_KEY_COLUMNS), sort=False)))
        if hist is not None
        else {}
    )
    empty = preds.iloc[:0]
    records = []
    for row in info.itertuples(index=False):
        key = (row.strategy, row.repeat, row.fold)
        p = by_task.get(key, empty)
        if len(p) != row.n_test:
            raise _damaged(
                folder,
                "predictions.csv",
                f"does not match fold_info.csv: strategy {row.strategy!r}, repeat "
                f"{row.repeat}, fold {row.fold} has {len(p)} of its {row.n_test} "
                "test rows",
            )
        if row.status == "ok" and p["proba"].isna().any():
            raise _bad_cell(
                folder,
                "predictions.csv",
                p,
                p["proba"].isna(),
                "proba",
                "a probability",
                f": fold_info.csv marks strategy {row.strategy!r}, repeat "
                f"{row.repeat}, fold {row.fold} as finished ('ok')",
            )
        history = None
        h = hist_by_task.get(key)
        if h is not None:
            history = {
                m: g.sort_values("epoch")["value"].tolist()
                for m, g in h.groupby("metric", sort=False)
            }
        kwargs = {
            c: getattr(row, c) for c in _FOLD_INFO_COLUMNS if c not in _KEY_COLUMNS
        }
        for c in ("n_train_resampled", "n_pos_train_resampled"):
            kwargs[c] = None if pd.isna(kwargs[c]) else int(kwargs[c])
        for c in ("error", "class_weight"):
            kwargs[c] = "" if pd.isna(kwargs[c]) else str(kwargs[c])
        records.append(
            FoldRecord(
                strategy=key[0],
                repeat=int(key[1]),
                fold=int(key[2]),
                test_index=p["row"].to_numpy(np.int64),
                y_test=p["y_true"].to_numpy(np.int8),
                proba=p["proba"].to_numpy(np.float64),
                history=history,
                **kwargs,
            )
        )
    return EvaluationReport(
        records,
        metrics=meta["metrics"],
        pos_label=meta["pos_label"],
        classes=meta["classes"],
        strategies=strategies,
        data=meta.get("data"),
        params=meta.get("params"),
        costs=meta.get("costs"),
    )
