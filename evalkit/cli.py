"""The ``evalkit`` command: a thin layer over the Python API.

Every subcommand parses its arguments and calls public functions; anything it
does, Python can do.  Bad input prints one line on stderr and exits with
code 2, without a traceback.
"""

import argparse
import contextlib
import math
import os
import re
import sys
import warnings
from pathlib import Path

__all__ = ["main"]

_HEADLINE = ("accuracy", "precision", "recall", "f1", "roc_auc", "average_precision")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(f"{message} (see '{self.prog} --help')")


class _UsageError(Exception):
    pass


def _whole_number(low=None, high=None, *, zero=True, note=""):
    """An argparse type: a whole number in ``[low, high]``, 0 refused unless ``zero``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number{note}; got {text!r}"
            ) from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"expected a number >= {low}; got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(
                f"expected a number <= {high}; got {value}"
            )
        if not zero and value == 0:
            raise argparse.ArgumentTypeError(
                f"expected a whole number other than 0{note}; got 0"
            )
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0, 2**32 - 1)
_jobs = _whole_number(zero=False, note=" (1: one process, -1: all cores)")


def _number(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number; got {text!r}")
    return value


def _threshold(text):
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a probability in [0, 1); got {text!r}"
        )
    return value


def _cost(text):
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0; got {text!r}")
    return value


def _int_list(text):
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers such as 64,32; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers; got {text!r}")
    return values


def _distinct_int_list(text):
    values = _int_list(text)
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(
            f"expected distinct positive integers such as 32,256; got {text!r}"
        )
    return values


def _strategy(text):
    """An argparse type: one strategy name of the registry, with or without +tuned."""
    from .strategies import (
        TUNED_SUFFIX,
        _did_you_mean,
        _parse_strategy_name,
        available_strategies,
    )

    try:
        _parse_strategy_name(text)
    except ValueError:
        names = ", ".join(repr(n) for n in available_strategies()["strategy"])
        raise argparse.ArgumentTypeError(
            f"must be one of {names}, each optionally followed by "
            f"'{TUNED_SUFFIX}'. Got {text.strip()!r} instead.{_did_you_mean(text)}"
        ) from None
    return text.strip()


def _strategy_list(text):
    """An argparse type: comma-separated strategy names, each given once."""
    names = tuple(_strategy(s) for s in text.split(",") if s.strip())
    if not names:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated strategy names such as none,smote; got {text!r}"
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise argparse.ArgumentTypeError(
            f"names {', '.join(map(repr, twice))} more than once; give each "
            "strategy once"
        )
    return names


def _add_data_options(p):
    p.add_argument("data", metavar="DATA.csv", help="CSV file with a header row")
    p.add_argument("--target", required=True, help="name of the label column")
    p.add_argument(
        "--pos-label",
        default=None,
        help="the positive class (default: 1/True for 0/1 labels, else the minority class)",
    )


# Options of the Keras MLP and their defaults; ``None`` in the parsed
# arguments means "not given", so that giving one with --model logistic,
# which would ignore it, can be refused.
_KERAS_DEFAULTS = {"hidden": (64, 32), "epochs": 10, "batch_size": 256}
_KERAS_FLAGS = {
    "hidden": "--hidden",
    "epochs": "--epochs",
    "batch_size": "--batch-size",
    "batch_sizes": "--batch-sizes",
}


def _add_seed_and_jobs(p, *, what="tasks"):
    p.add_argument("--seed", type=_seed, default=0, help="random_state (default 0)")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        help=f"parallel {what} (default 1; -1: all cores)",
    )


def _add_split_options(p, *, repeats):
    p.add_argument(
        "--splits",
        type=_whole_number(2),
        default=5,
        help="folds per repeat (default 5)",
    )
    p.add_argument(
        "--repeats",
        type=_positive_int,
        default=repeats,
        help=f"repeats of the K-fold split (default {repeats})",
    )


def _add_model_options(p):
    p.add_argument(
        "--model",
        choices=("keras", "logistic"),
        default="keras",
        help="keras: evalkit's Keras MLP (default); logistic: scikit-learn's "
        "LogisticRegression, no TensorFlow",
    )
    p.add_argument(
        "--hidden",
        type=_int_list,
        default=None,
        help="hidden layer sizes of the Keras MLP, e.g. 64,32 (default)",
    )
    p.add_argument(
        "--epochs",
        type=_positive_int,
        default=None,
        help="Keras epochs (default 10)",
    )
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        help="Keras batch size (default 256)",
    )


def _keras_option(args, name):
    value = getattr(args, name)
    return _KERAS_DEFAULTS[name] if value is None else value


def _add_run_options(p, *, out_default):
    p.add_argument(
        "--strategies",
        type=_strategy_list,
        default=None,
        help="comma-separated strategy names (see 'evalkit strategies'), each "
        "optionally followed by +tuned (threshold tuning); "
        "default: none,class_weight,random_under,smote",
    )
    _add_split_options(p, repeats=3)
    _add_model_options(p)
    p.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help="decision threshold on the positive-class probability (default 0.5)",
    )
    p.add_argument(
        "--cost-fp", type=_cost, default=None, help="cost of a false positive"
    )
    p.add_argument(
        "--cost-fn", type=_cost, default=None, help="cost of a false negative"
    )
    _add_seed_and_jobs(p)
    p.add_argument(
        "--out", default=out_default, help=f"output folder (default {out_default})"
    )
    p.add_argument("--html", action="store_true", help="also write report.html")
    _add_cache_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_cache_option(p):
    p.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="save every finished fit in DIR; a rerun with the same DIR skips "
        "finished fits, so an interrupted run resumes (default: no cache)",
    )


def _parser():
    parser = _Parser(
        prog="evalkit",
        description="Evaluate imbalance remedies for a binary classifier with repeated "
        "stratified cross-validation, and see how much accuracy really moves.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = sub.add_parser(
        "demo",
        help="run the main job on embedded fraud-like data",
        description="Compare imbalance strategies for evalkit's Keras MLP on the "
        "embedded make_fraud data (20,000 transactions, 1 % fraud): strategies "
        "none, class_weight, random_under, smote and none+tuned, 5-fold x 3 repeats, "
        "then a short analysis of why accuracy moves.",
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="a small run (5,000 rows, 3 folds x 1 repeat) in well under a minute",
    )
    demo.add_argument(
        "--out", default="evalkit-demo", help="output folder (default evalkit-demo)"
    )
    _add_seed_and_jobs(demo)
    _add_cache_option(demo)
    demo.add_argument("--quiet", action="store_true", help="no progress bar")

    compare = sub.add_parser(
        "compare",
        help="compare imbalance strategies on a CSV file",
        description="Compare imbalance strategies on DATA.csv and write summary.csv, "
        "folds.csv, fold_info.csv, predictions.csv and report.md into --out.",
    )
    _add_data_options(compare)
    _add_run_options(compare, out_default="evalkit-results")

    fluct = sub.add_parser(
        "fluctuation",
        help="measure why accuracy moves: data split, seed, test size, epochs",
        description="Train every split with every seed on DATA.csv and show how much "
        "of each metric's spread comes from the data split and how much from the "
        "network's seed, the spread the test size makes unavoidable, the "
        "majority-class baseline and the epoch-to-epoch movement of held-out "
        "accuracy. Writes components.csv, epochs.csv and fluctuation.md (and the "
        "other tables) into --out.",
    )
    _add_data_options(fluct)
    fluct.add_argument(
        "--strategy",
        type=_strategy,
        default="none",
        help="one imbalance strategy (default none)",
    )
    fluct.add_argument(
        "--seeds", type=_whole_number(2), default=5, help="seeds per split (default 5)"
    )
    _add_split_options(fluct, repeats=2)
    _add_model_options(fluct)
    fluct.add_argument(
        "--batch-sizes",
        type=_distinct_int_list,
        default=None,
        help="compare several batch sizes, e.g. 32,256 (overrides --batch-size)",
    )
    _add_seed_and_jobs(fluct, what="fits")
    fluct.add_argument(
        "--out",
        default="evalkit-fluctuation",
        help="output folder (default evalkit-fluctuation)",
    )
    fluct.add_argument("--quiet", action="store_true", help="no progress bar")

    report = sub.add_parser(
        "report",
        help="rebuild report.md and report.html from a saved run, without training",
        description="Rebuild the Markdown and HTML reports from the folder of a "
        "previous 'evalkit compare' or 'evalkit demo' run.",
    )
    report.add_argument("folder", metavar="OUT_DIR")

    sub.add_parser(
        "strategies",
        help="list the imbalance strategies",
        description="List the named imbalance strategies.",
    )
    return parser


def _estimator(args):
    if args.model == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=1000)
    from .keras import KerasBinaryClassifier

    # The network keeps its default threshold: --threshold goes to evaluate,
    # which applies it to the positive class's probability.
    return KerasBinaryClassifier(
        hidden_units=tuple(_keras_option(args, "hidden")),
        epochs=_keras_option(args, "epochs"),
        batch_size=_keras_option(args, "batch_size"),
    )


def _costs(args):
    if args.cost_fp is None and args.cost_fn is None:
        return None
    if args.cost_fp is None or args.cost_fn is None:
        raise _UsageError("give both --cost-fp and --cost-fn, or neither")
    if args.cost_fp == 0 and args.cost_fn == 0:
        raise _UsageError(
            "--cost-fp and --cost-fn cannot both be 0; give a positive cost to at "
            "least one of them"
        )
    return {"fp": args.cost_fp, "fn": args.cost_fn}


def _print_summary(report):
    """Print accuracy's spread next to the metrics that matter on imbalanced data."""
    summary = report.summary()
    names = [m for m in _HEADLINE[1:] if m in report.metric_names]
    header = (
        f"{'strategy':<16}{'accuracy':>17}{'[min, max]':>16}{'95% CI':>17}"
        f"{'baseline':>10}"
    )
    header += "".join(
        f"{('pr_auc' if m == 'average_precision' else m):>10}" for m in names
    )
    lines = [header]
    for strategy in summary.index:
        row = summary.loc[strategy]
        acc = row["accuracy"]
        span = f"[{acc['min']:.3f}, {acc['max']:.3f}]"
        ci = f"[{acc['ci_low']:.3f}, {acc['ci_high']:.3f}]"
        line = (
            f"{strategy:<16}{acc['mean']:>8.4f} ± {acc['std']:.4f}{span:>16}{ci:>17}"
            f"{row[('baseline_accuracy', 'mean')]:>10.4f}"
        )
        line += "".join(f"{row[(m, 'mean')]:>10.3f}" for m in names)
        lines.append(line)
    print("\n".join(lines))


def _check_folder(path, flag):
    """Fail before any training when an output folder cannot be written."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise _UsageError(
            f"{flag} {path!r} is a file, not a folder; give a folder name"
        )
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise _UsageError(f"the {flag} folder {path!r} cannot be written ({existing})")


def _check_options(args):
    """Refuse options that clash, before any file is read or anything printed.

    Every option's own value is checked by the parser; this checks the
    output folders and the options that only make sense together.
    """
    for dest, flag in (("out", "--out"), ("cache", "--cache")):
        if getattr(args, dest, None) is not None:
            _check_folder(getattr(args, dest), flag)
    if getattr(args, "model", None) == "logistic":
        given = [
            f for d, f in _KERAS_FLAGS.items() if getattr(args, d, None) is not None
        ]
        if given:
            listed = ", ".join(given[:-1]) + " and " * (len(given) > 1) + given[-1]
            verb, pronoun = ("sets", "it") if len(given) == 1 else ("set", "them")
            raise _UsageError(
                f"{listed} {verb} the Keras MLP, which --model logistic does not "
                f"use; drop {pronoun} or use --model keras"
            )
    if hasattr(args, "cost_fp"):
        _costs(args)


def _check_data(X, y, args):
    """Check the data and the options that depend on it, showing no warning.

    ``evaluate`` and ``explain_fluctuation`` make the same checks, but show
    their warnings about the data (an ID column, dates) as they go, before a
    bad ``--pos-label`` or too many ``--splits`` is found.  Checked here
    first, a problem is the only line printed; the warnings come with the run.
    """
    import numpy as np

    from ._validation import check_class_counts, check_X_y, resolve_pos_label

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, labels, _ = check_X_y(X, y)
        pos_label, _ = resolve_pos_label(labels, args.pos_label)
        check_class_counts((labels == pos_label).astype(np.int8), args.splits)


def _write_outputs(report, out, *, html):
    out = Path(out)
    report.to_csv(out)
    (out / "report.md").write_text(report.to_markdown())
    written = [
        "summary.csv",
        "folds.csv",
        "fold_info.csv",
        "predictions.csv",
        "report.md",
    ]
    if html:
        report.to_html(out / "report.html")
        written.append("report.html")
    return out, written


def _print_fluctuation(report, *, brief=False):
    import numpy as np

    comp = report.components
    keys = ["batch_size"] if "batch_size" in comp.columns else []
    if not brief:
        lines = [
            "".join(f"{k:<12}" for k in keys)
            + f"{'metric':<20}{'mean':>8}{'std':>8}{'split':>8}{'seed':>8}{'both':>8}"
        ]
        for row in comp.itertuples(index=False):
            lines.append(
                "".join(f"{getattr(row, k)!s:<12}" for k in keys)
                + f"{row.metric:<20}{row.mean:>8.4f}{row.std:>8.4f}"
                + "".join(
                    f"{'-':>8}" if np.isnan(v) else f"{v:>8.0%}"
                    for v in (row.split_share, row.seed_share, row.residual_share)
                )
            )
        for row in report.noise_floor.itertuples(index=False):
            prefix = "".join(f"{k} {getattr(row, k)}: " for k in keys)
            lines.append(
                f"\n{prefix}noise floor (accuracy, {row.n_test:.0f} test rows): "
                f"binomial std {row.binomial_std:.4f}, observed std "
                f"{row.observed_std:.4f}"
            )
        for row in report.baseline.itertuples(index=False):
            prefix = "".join(f"{k} {getattr(row, k)}: " for k in keys)
            flag = "" if row.beats_baseline else "  <- does not beat the baseline"
            lines.append(
                f"{prefix}baseline: accuracy {row.accuracy:.4f} vs majority class "
                f"{row.baseline_accuracy:.4f}{flag}"
            )
        print("\n".join(lines) + "\n")
    for sentence in report.explain():
        print(f"- {sentence}")


def _fluctuation(args):
    from .datasets import load_csv
    from .fluctuation import explain_fluctuation

    X, y = load_csv(args.data, target=args.target)
    _check_data(X, y, args)
    if args.model == "logistic":
        from sklearn.linear_model import LogisticRegression

        estimator = LogisticRegression(max_iter=1000)
    else:
        from .keras import KerasBinaryClassifier

        estimator = KerasBinaryClassifier(
            hidden_units=tuple(_keras_option(args, "hidden")),
            epochs=_keras_option(args, "epochs"),
            batch_size=_keras_option(args, "batch_size"),
        )
    report = explain_fluctuation(
        estimator,
        X,
        y,
        strategy=args.strategy,
        n_seeds=args.seeds,
        n_splits=args.splits,
        n_repeats=args.repeats,
        batch_sizes=args.batch_sizes,
        pos_label=args.pos_label,
        random_state=args.seed,
        n_jobs=args.jobs,
        verbose=0 if args.quiet else 1,
    )
    _print_fluctuation(report)
    out = Path(args.out)
    paths = report.to_csv(out)
    (out / "fluctuation.md").write_text(report.to_markdown())
    names = [p.name for p in paths] + ["fluctuation.md"]
    print(f"\nWrote {', '.join(names)} to {out}/", file=sys.stderr)
    return 0


def _run(args):
    _check_options(args)
    from .evaluation import DEFAULT_STRATEGIES, evaluate

    if args.command == "strategies":
        from .strategies import TUNED_DESCRIPTION, TUNED_SUFFIX, available_strategies

        table = available_strategies()
        for row in table.itertuples(index=False):
            print(f"{row.strategy:<18}{row.description}")
        print(f"{'<name>' + TUNED_SUFFIX:<18}{TUNED_DESCRIPTION}")
        return 0
    if args.command == "report":
        from ._saved_run import load_report

        report = load_report(args.folder)
        (Path(args.folder) / "report.md").write_text(report.to_markdown())
        report.to_html(Path(args.folder) / "report.html")
        _print_summary(report)
        print(f"\nWrote report.md, report.html to {args.folder}/", file=sys.stderr)
        return 0
    if args.command == "demo":
        from .datasets import make_fraud

        n, epochs, splits, repeats = (
            (5_000, 10, 3, 1) if args.quick else (20_000, 10, 5, 3)
        )
        X, y = make_fraud(n, fraud_rate=0.01, random_state=args.seed)
        from .keras import KerasBinaryClassifier

        estimator = KerasBinaryClassifier(epochs=epochs)
        print(
            f"evalkit demo: make_fraud({n}) with {int(y.sum())} frauds; Keras MLP (64, 32), "
            f"{epochs} epochs; {splits}-fold x {repeats} repeat(s)",
            file=sys.stderr,
        )
        report = evaluate(
            estimator,
            X,
            y,
            strategies=(*DEFAULT_STRATEGIES, "none+tuned"),
            n_splits=splits,
            n_repeats=repeats,
            random_state=args.seed,
            n_jobs=args.jobs,
            cache_dir=args.cache,
            verbose=0 if args.quiet else 1,
        )
        report.data["name"] = f"make_fraud(n_samples={n}, fraud_rate=0.01)"
        _print_summary(report)
        out, written = _write_outputs(report, args.out, html=True)
        print(f"\nWrote {', '.join(written)} to {out}/", file=sys.stderr)
        if not args.quick:
            from .fluctuation import explain_fluctuation

            print("\nWhy accuracy moves (strategy 'none', 3 splits x 3 seeds):")
            fluct = explain_fluctuation(
                estimator,
                X,
                y,
                n_seeds=3,
                n_splits=3,
                n_repeats=1,
                random_state=args.seed,
                n_jobs=args.jobs,
                verbose=0,
            )
            _print_fluctuation(fluct, brief=True)
        return 0

    if args.command == "fluctuation":
        return _fluctuation(args)

    from .datasets import load_csv

    X, y = load_csv(args.data, target=args.target)
    _check_data(X, y, args)
    report = evaluate(
        _estimator(args),
        X,
        y,
        strategies=args.strategies or DEFAULT_STRATEGIES,
        n_splits=args.splits,
        n_repeats=args.repeats,
        pos_label=args.pos_label,
        threshold=args.threshold,
        costs=_costs(args),
        random_state=args.seed,
        n_jobs=args.jobs,
        cache_dir=args.cache,
        verbose=0 if args.quiet else 1,
    )
    report.data["name"] = os.path.basename(args.data)
    _print_summary(report)
    out, written = _write_outputs(report, args.out, html=args.html)
    print(f"\nWrote {', '.join(written)} to {out}/", file=sys.stderr)
    return 0


def _one_line(exc):
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# Python parameter -> what the user typed.  The parser checks every option's
# own value; the checks that need the data (is --pos-label one of the labels,
# are there enough rows for --splits folds, does --target name a column) are
# made by the Python API, whose messages name its parameters.
_FLAGS = {
    "n_splits": "--splits",
    "n_repeats": "--repeats",
    "n_seeds": "--seeds",
    "random_state": "--seed",
    "n_jobs": "--jobs",
    "threshold": "--threshold",
    "pos_label": "--pos-label",
    "costs": "--cost-fp/--cost-fn",
    "epochs": "--epochs",
    "batch_size": "--batch-size",
    "hidden_units": "--hidden",
    "batch_sizes": "--batch-sizes",
    "cache_dir": "--cache",
    "target": "--target",
    "strategies": "--strategies",
    "strategy": "--strategies",
    "path": "the DATA.csv argument",
}
_PARAMETER = re.compile(
    r"\b[Tt]he `(?P<a>\w+)` parameter(?: of \w+)?"  # The `n_splits` parameter
    r"|`(?P<b>\w+)`"  # `target`
    r"|(?<![\w'\"`.-])(?P<c>\w+)=(?!=)"  # pos_label='yes', n_splits=5
    r"|(?<![\w'\"`.-])(?P<d>\w+)(?= (?:<=|>=|<|>) )"  # n_splits <= 40
)


def _with_flags(text, command):
    """Name the command-line options in a message of the Python API."""
    if command not in ("compare", "fluctuation", "demo"):
        return text  # no option of these commands sets a Python parameter
    flags = dict(_FLAGS)
    if command == "fluctuation":
        flags["strategy"] = "--strategy"

    def replace(match):
        name = match.group(match.lastgroup)
        if name not in flags:
            return match.group(0)
        return flags[name] + (" " if match.lastgroup == "c" else "")

    return _PARAMETER.sub(replace, text)


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send native (C++) writes to stderr to /dev/null; keep Python's stderr.

    TensorFlow's C++ runtime prints start-up and driver messages straight to
    file descriptor 2, past Python's logging and ``TF_CPP_MIN_LOG_LEVEL``.  The
    command line points descriptor 2 at /dev/null while it runs and gives
    Python a copy of the real stderr, so evalkit's progress bar, warnings and
    errors still show.  ``EVALKIT_NATIVE_LOGS=1`` keeps the native messages.
    """
    if os.environ.get("EVALKIT_NATIVE_LOGS") == "1" or sys.stderr is not sys.__stderr__:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        yield
        return
    python_stderr = os.fdopen(os.dup(saved), "w", buffering=1, errors="replace")
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = python_stderr
    try:
        yield
    finally:
        python_stderr.flush()
        sys.stderr = sys.__stderr__
        os.dup2(saved, 2)
        os.close(saved)
        python_stderr.close()


def main(argv=None):
    """Run the ``evalkit`` command.

    Parameters
    ----------
    argv : list of str or None, default=None
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    code : int
        0 on success, 2 for bad input or usage, 130 when interrupted.
    """
    parser = _parser()

    def show(message, category, filename, lineno, file=None, line=None):
        text = _with_flags(_one_line(message), command)
        print(f"evalkit: warning: {text}", file=sys.stderr)

    command = None
    try:
        args = parser.parse_args(argv)
        command = args.command
        if args.command is None:
            parser.print_help()
            return 0
        with warnings.catch_warnings(), _native_stderr_silenced():
            warnings.simplefilter("default")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.showwarning = show
            return _run(args)
    except _UsageError as exc:
        print(f"evalkit: error: {exc}", file=sys.stderr)
        return 2
    except (
        ValueError,
        TypeError,
        FileNotFoundError,
        ImportError,
        KeyError,
        OSError,
    ) as exc:
        print(
            f"evalkit: error: {_with_flags(_one_line(exc), command)}", file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        print("evalkit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
