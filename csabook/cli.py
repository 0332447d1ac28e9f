"""The command line: each command parses its arguments and calls one library function."""

from __future__ import annotations

import argparse
import sys
import traceback

from . import __version__
from .errors import CsabookError
from .paths import get_project


def cmd_build(args, project) -> int:
    from .build import build_editions
    from .editions import select_editions

    editions = select_editions(args.year, args.district, project)
    build_editions(editions, project, jobs=args.jobs, force=args.force)
    print(f"Open {project.relative(project.site / 'index.html')}")
    return 0


def cmd_validate(args, project) -> int:
    from .data import validate_edition
    from .editions import select_editions

    editions = select_editions(args.year, args.district, project)
    problems = list(dict.fromkeys(p for e in editions for p in validate_edition(e.year, e.district, project)))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"OK: {len(editions)} edition(s) valid: " + ", ".join(e.key for e in editions))
    return 0


def cmd_editions(args, project) -> int:
    from .editions import discover_editions

    for e in discover_editions(project):
        built = (project.site / e.key / "index.html").is_file()
        print(f"{e.key}\t{e.label()}\t{'built' if built else 'not built'}")
    return 0


def cmd_params(args, project) -> int:
    from .editions import write_params

    written, unchanged = write_params(args.year, project)
    for path in written:
        print(f"wrote {project.relative(path)}")
    print(f"{len(written)} file(s) written, {len(unchanged)} already up to date.")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csabook", description="Build the Kent Community Safety Agreement as a "
                                     "Jupyter Book, one edition per year and district.")
    parser.add_argument("--version", action="version", version=f"csabook {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = sub.add_parser("build", help="execute the notebooks and publish the site for the chosen editions",
                           description="Validate the data, execute every chapter with papermill into book/, "
                           "build each edition with Jupyter Book and publish it under _build/site/.")
    build.add_argument("--year", default=None, help="a year, or 'all' (default: all)")
    build.add_argument("--district", default=None, help="a district slug, 'county' or 'all' (default: county)")
    build.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: number of cores)")
    build.add_argument("--force", action="store_true", help="execute every notebook, ignoring any cache")
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser("validate", help="check the data files without executing anything",
                              description="Report every problem in the chosen editions' data, one line each.")
    validate.add_argument("--year", default=None, help="a year, or 'all' (default: all)")
    validate.add_argument("--district", default=None, help="a district slug, 'county' or 'all' (default: county)")
    validate.set_defaults(func=cmd_validate)

    editions = sub.add_parser("editions", help="list the editions defined under params/",
                              description="List every edition (year/district), and whether it is built.")
    editions.set_defaults(func=cmd_editions)

    params = sub.add_parser("params", help="write params/<year>/<slug>.yml for the county and every district",
                            description="Write the parameters file of every edition from the district register "
                            "(data/register.yml): the county and each district, for the given year or for every "
                            "year that has a county edition. Files already up to date are left alone.")
    params.add_argument("--year", type=int, default=None, help="a year (default: every year with a county edition)")
    params.set_defaults(func=cmd_params)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, get_project())
    except CsabookError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.report()}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted; the published site is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
