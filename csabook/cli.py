"""The command line: each command parses its arguments and calls one library function."""

from __future__ import annotations

import argparse
import sys
import traceback

from csabook.version import __version__
from csabook.errors import CsabookError, DataError, printable
from csabook import api
from csabook.pipeline.publish import is_published
from csabook.model.quarters import QUARTERS
from csabook.paths import YEAR_RULE, parse_year


def year_argument(text: str) -> int:
    """A year given on the command line, by the project's one rule for years (csabook.paths.parse_year)."""
    year = parse_year(text)
    if year is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not {YEAR_RULE}")
    return year


class TerminalText:
    """A text stream that shows control characters as escapes (keeping newline and tab): data text reaches the
    terminal through messages, and must not drive it. `unfiltered` is the stream itself, for the progress bar."""

    def __init__(self, stream):
        self.unfiltered = stream

    def write(self, text: str) -> int:
        return self.unfiltered.write(printable(text, keep="\n\t"))

    def __getattr__(self, name):
        return getattr(self.unfiltered, name)


def print_problems(problems, after: str = "") -> None:
    """Each problem on its own line, then how many (the data problems of validate and build)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found{after}.", file=sys.stderr)


def cmd_build(args, project) -> int:
    summary = api.build(args.year, args.district, project=project, jobs=args.jobs, force=args.force, pdf=args.pdf)
    if summary.problems:
        print_problems(summary.problems, "; nothing was executed or published")
        print(DataError.hint, file=sys.stderr)
        return 1
    for failure in summary.failures:
        print(f"error: {failure.report()}", file=sys.stderr)
    if summary.built or summary.unchanged:
        print(f"Open {project.relative(project.site / 'index.html')}")
    return 0 if summary.ok else 1


def cmd_validate(args, project) -> int:
    checked = api.check(args.year, args.district, project=project)
    if checked.problems:
        print_problems(checked.problems)
        return 1
    print(f"OK: {checked.summary()}")
    return 0


def cmd_editions(args, project) -> int:
    for e in api.editions(project=project):
        built = is_published(e, project)
        print(f"{e.key}\t{e.label()}\t{'built' if built else 'not built'}")
    return 0


def cmd_new_year(args, project) -> int:
    print(api.new_year(args.year, previous=args.previous, project=project).text())
    return 0


def cmd_diff(args, project) -> int:
    print(api.diff(args.year_a, args.year_b, args.district, project=project).text())
    return 0


def cmd_params(args, project) -> int:
    written, unchanged = api.write_params(args.year, project)
    for path in written:
        print(f"wrote {project.relative(path)}")
    print(f"{len(written)} file(s) written, {len(unchanged)} already up to date.")
    return 0


def cmd_returns_template(args, project) -> int:
    print(api.return_templates(args.year, args.quarter, args.district, out=args.out, project=project).text())
    return 0


def cmd_preview(args, project) -> int:
    session = api.preview(args.year, args.district, port=args.port, project=project)
    print(f"Previewing {session.edition.key} at {session.url}\nIt rebuilds on every change to data/, notebooks/, "
          "params/, _config.yml or _toc.yml, and the page reloads by itself. Press Ctrl-C to stop.", flush=True)
    try:
        session.serve()
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
    print("Preview stopped.")
    return 0


def cmd_returns_import(args, project) -> int:
    print(api.import_return_workbooks(args.files, args.year, args.quarter, args.district, project=project).text())
    return 0


def cmd_returns_status(args, project) -> int:
    print(api.returns_status(args.year, args.quarter, args.district, project=project).text())
    return 0


def add_return_selection(command: argparse.ArgumentParser) -> None:
    """--year, --district and --quarter: the plan and the quarter a return is for."""
    command.add_argument("--year", type=year_argument, required=True, help="the action plan's year, e.g. 2024")
    command.add_argument("--district", default="county",
                         help="a district slug with its own action plan, or county (default: county)")
    command.add_argument("--quarter", required=True, choices=list(QUARTERS),
                         help="the quarter of the financial year (Q1 ends 30 June, Q4 ends 31 March)")


def add_selection(command: argparse.ArgumentParser) -> None:
    """--year and --district, which choose editions (csabook.model.editions.select_editions)."""
    command.add_argument("--year", default=None, help="a year, or 'all' (default: all)")
    command.add_argument("--district", default=None, help="a district slug, 'county' or 'all' (default: county)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csabook", description="Build the Kent Community Safety Agreement as a "
                                     "Jupyter Book, one edition per year and district.")
    parser.add_argument("--version", action="version", version=f"csabook {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    parser.add_argument("--project", metavar="DIR", default=None,
                        help="the project folder (default: $CSABOOK_ROOT, else the nearest folder at or above the "
                        "working folder holding _config.yml, data/ and params/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser("build", help="execute the notebooks and publish the site for the chosen editions",
                           description="Validate the data, execute every chapter with papermill into book/, "
                           "build each edition with Jupyter Book and publish it under _build/site/.")
    add_selection(build)
    build.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: number of cores)")
    build.add_argument("--force", action="store_true", help="execute every notebook, ignoring any cache")
    build.add_argument("--no-pdf", dest="pdf", action="store_false",
                       help="skip the PDF (Chromium is then not needed); no page links one")
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser("validate", help="check the data files without executing anything",
                              description="Report every problem in the chosen editions' data, one line each.")
    add_selection(validate)
    validate.set_defaults(func=cmd_validate)

    editions = sub.add_parser("editions", help="list the editions defined under params/",
                              description="List every edition (year/district), and whether it is built.")
    editions.set_defaults(func=cmd_editions)

    params = sub.add_parser("params", help="write params/<year>/<slug>.yml for the county and every district",
                            description="Write the parameters file of every edition from the district register "
                            "(data/register.yml): the county and each district, for the given year or for every "
                            "year that has a county edition. Files already up to date are left alone.")
    params.add_argument("--year", type=year_argument, default=None, help="a year (default: every year with a county edition)")
    params.set_defaults(func=cmd_params)

    new_year = sub.add_parser("new-year", help="scaffold a new year's data and editions from the previous year",
                              description="Copy the previous year's data files into data/YEAR/, mark the "
                              "year-specific ones for review (review.yml), define the county and district editions "
                              "in params/YEAR/, and print a checklist. Never overwrites an existing year.")
    new_year.add_argument("year", type=year_argument, metavar="YEAR", help="the new year, e.g. 2025")
    new_year.add_argument("--from", dest="previous", type=year_argument, default=None, metavar="PREV",
                          help="the year to start from (default: the latest earlier year with county data)")
    new_year.set_defaults(func=cmd_new_year)

    diff = sub.add_parser("diff", help="compare two years' data and draft version-control rows",
                          description="Report what changed between two years: priorities and cross-cutting themes, "
                          "leads, plans, Appendix A counts, MoRiLE ranks and PESTELO items, comparing only what both "
                          "years hold, then draft the version-control rows in the CSA's own style.")
    diff.add_argument("year_a", type=year_argument, metavar="YEAR_A", help="the earlier year")
    diff.add_argument("year_b", type=year_argument, metavar="YEAR_B", help="the later year")
    diff.add_argument("--district", default="county", help="a district slug, or county (default: county)")
    diff.set_defaults(func=cmd_diff)

    preview = sub.add_parser("preview", help="build one edition and serve it, rebuilding on every change",
                             description="Build one edition without its PDF into _build/preview/ (never _build/site/), "
                             "serve it on 127.0.0.1, and rebuild what a change affects whenever a file under data/, "
                             "notebooks/ or params/, _config.yml or _toc.yml changes; the open page reloads by itself. "
                             "A change that makes the data invalid or a chapter fail shows its problems on the page, "
                             "and the server stays up. Ctrl-C stops it.")
    preview.add_argument("--year", type=year_argument, default=None,
                         help="the edition's year (default: the latest year with an edition)")
    preview.add_argument("--district", default="county", help="a district slug, or county (default: county)")
    preview.add_argument("--port", type=int, default=8000,
                         help="the port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    preview.set_defaults(func=cmd_preview)

    returns = sub.add_parser("returns", help="quarterly returns from the lead agencies of an action plan",
                             description="Monitor an action plan: each lead agency feeds back on its actions every "
                             "quarter of the financial year.")
    returns_sub = returns.add_subparsers(dest="returns_command", metavar="ACTION", required=True)
    template = returns_sub.add_parser("template", help="write one return workbook per lead agency",
                                      description="Write the quarter's return workbook (.xlsx) for every lead agency "
                                      "of the edition's action plan, named by the agency's slug (data/agencies.yml). "
                                      "Each lists the actions the agency leads, with the columns up to Lead Agency "
                                      "filled in and locked, a drop-down of the statuses, and the status and "
                                      "commentary returned for the quarter before.")
    add_return_selection(template)
    template.add_argument("--out", metavar="DIR", default=None,
                          help="where to write the workbooks (default: _build/returns/<year>-<district>-<quarter>/)")
    template.set_defaults(func=cmd_returns_template)
    importer = returns_sub.add_parser("import", help="check the filled-in workbooks and store their returns",
                                      description="Check every workbook (status, commentary, dates, locked columns, "
                                      "actions returned twice), then merge the returns into quarterly_returns.yml "
                                      "beside the plan. Any problem in any file: one line each, and nothing is "
                                      "written. Importing the same files again changes nothing.")
    importer.add_argument("files", nargs="+", metavar="FILE", help="the return workbooks (.xlsx)")
    add_return_selection(importer)
    importer.set_defaults(func=cmd_returns_import)
    status = returns_sub.add_parser("status", help="list who has returned and which actions have no return",
                                    description="For the quarter: each lead agency with how many of its actions it "
                                    "returned, then the actions with no return.")
    add_return_selection(status)
    status.set_defaults(func=cmd_returns_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(sys.stdout), TerminalText(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: list[str] | None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, api.project_at(args.project))
    except CsabookError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.report()}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted: nothing was published after the interrupt, and every published edition is complete",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
