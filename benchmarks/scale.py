"""Benchmark: how a build's cost grows with the number of editions, measured side by side in one run.

    python benchmarks/scale.py [--sizes 13 50 100] [--year 2022] [--pdf]

For each size N, on a fresh copy of the project whose district register is replaced by N-1 generated FICTIONAL
districts ("Fictional District 001", ..., each `fictional: true`; they exist only in the temporary copy and are
never committed), so that the year has N editions with the county's, and one of them has a local overlay (the
fictional Examplebury foreword), it measures:

  cold       a build of every edition with an empty cache;
  no change  the same build again (the median of 21 runs: each takes milliseconds, and one run is noise);
  listing    listing the sources alone (csabook.pipeline.inputs.scan; the median of 21): the part of a
             no-change build that grows with the files, which include one parameters file per edition;
  no change, command
             the same as `csabook build --year Y --district all` in a new process (the median of three): what
             an analyst waits for, Python's start and imports included;
  county     the build after one county file changes (morile.csv: Appendix B of every edition);
  district   the build after one district's overlay changes (its foreword.yml).

Builds are without PDFs unless --pdf is given (PDFs are measured by benchmarks/rebuild.py). It prints a table,
then each size's no-change and district rebuilds as a ratio of the smallest size's: with their cost bounded by
listing the sources, they should stay near 1 while the cold build grows with N.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csabook.model.editions import select_editions, write_params  # noqa: E402
from csabook.paths import get_project  # noqa: E402
from csabook.pipeline.build import Progress, build_editions  # noqa: E402
from csabook.pipeline.inputs import scan  # noqa: E402

OVERLAY = ROOT / "examples" / "examplebury" / "data" / "2022" / "districts" / "examplebury" / "foreword.yml"


def fictional_project(dest: Path, editions: int, year: int):
    """A copy of the project with `editions` - 1 generated fictional districts, one with a local foreword."""
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, dest / name)
    lines = ["# GENERATED for benchmarks/scale.py: FICTIONAL districts, not real places.",
             "source: {document: local}", "districts:"]
    for i in range(1, editions):
        lines.append(f'  - {{slug: fictional-{i:03d}, name: "Fictional District {i:03d}", '
                     f'csp_name: "Fictional District {i:03d} Community Safety Partnership", fictional: true}}')
    (dest / "data" / "register.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(dest / "params")  # only the measured year's editions: the county's and the generated ones
    (dest / "params").mkdir()
    overlay = dest / "data" / str(year) / "districts" / "fictional-001"
    shutil.rmtree(dest / "data" / str(year) / "districts", ignore_errors=True)
    overlay.mkdir(parents=True)
    shutil.copy2(OVERLAY, overlay / "foreword.yml")
    project = get_project(dest)
    write_params(year, project)
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def command(project, year: int, pdf: bool) -> float:
    """Seconds for `csabook build --year Y --district all` in a new process, as typed at a terminal."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "csabook", "--project", str(project.root), "build", "--year", str(year),
                    "--district", "all", *([] if pdf else ["--no-pdf"])], check=True, capture_output=True)
    return time.perf_counter() - start


def timed_scan(project) -> float:
    start = time.perf_counter()
    scan(project)
    return time.perf_counter() - start


def measure(project, year: int, pdf: bool) -> dict[str, tuple[float, object]]:
    editions = select_editions(year, "all", project)
    quiet = Progress(io.StringIO())

    def build():
        start = time.perf_counter()
        summary = build_editions(editions, project, progress=quiet, pdf=pdf)
        assert summary.ok, [f.report() for f in summary.failures] + [str(p) for p in summary.problems]
        return time.perf_counter() - start, summary

    found = {"cold": build()}
    # a no-change build takes milliseconds: the median of 21 in this process, and of three as the command an
    # analyst runs
    found["no change"] = sorted((build() for _ in range(21)), key=lambda run: run[0])[10]
    found["listing"] = sorted(timed_scan(project) for _ in range(21))[10], None
    found["no change, command"] = sorted(command(project, year, pdf) for _ in range(3))[1], None
    edit(project.data / str(year) / "county" / "morile.csv", "PREVENT", "PREVENT (edited)")
    found["county"] = build()
    edit(project.data / str(year) / "districts" / "fictional-001" / "foreword.yml", "Examplebury",
         "Examplebury (edited)")
    found["district"] = build()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[13, 50, 100], help="numbers of editions")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--pdf", action="store_true", help="print the PDFs too")
    args = parser.parse_args()
    print(f"csabook scale benchmark: year {args.year}, {os.cpu_count()} core(s), "
          f"{'with' if args.pdf else 'without'} PDFs", flush=True)
    results = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="csabook-scale-") as tmp:
            project = fictional_project(Path(tmp), size, args.year)
            results[size] = measure(project, args.year, args.pdf)
        row = results[size]
        print(f"N={size:4d}: " + ", ".join(f"{name} {secs:.3f} s" for name, (secs, _) in row.items())
              + f"  (county edit: {row['county'][1].executed} notebooks, {len(row['county'][1].built)} rebuilt; "
              f"district edit: {row['district'][1].executed} notebook(s), {len(row['district'][1].built)} rebuilt)",
              flush=True)
    base = args.sizes[0]
    print()
    print("| editions | cold | no change | of which listing | no change, command | county file edited | "
          "one district's overlay edited |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, row in results.items():
        print(f"| {size} | {row['cold'][0]:.1f} s | {1000 * row['no change'][0]:.2f} ms | "
              f"{1000 * row['listing'][0]:.2f} ms | " + " | ".join(f"{row[name][0]:.2f} s" for name in
                                                                ("no change, command", "county", "district")) + " |")
    print()
    for size in args.sizes[1:]:
        for name in ("cold", "no change", "listing", "no change, command", "district"):
            ratio = results[size][name][0] / results[base][name][0]
            print(f"{name} N={size} / N={base}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
