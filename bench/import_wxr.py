"""Benchmark the WXR importer on a generated export.

Generates an export of ``--posts`` posts with ``--comments`` comments in all
(default 10,000 and 100,000; original generated text, a quarter of the comments
are replies), imports it into a fresh SQLite database in a temporary directory
and prints wall time and peak memory of the parse-only pass and of the import.

Run from the repository root::

    .venv/bin/python bench/import_wxr.py               # full size
    .venv/bin/python bench/import_wxr.py --posts 500 --comments 5000
    .venv/bin/python bench/import_wxr.py --parse-only
    .venv/bin/python bench/import_wxr.py --moderation-workers 1   # 2nd process

The CPU time printed for the import is the importing process's; the
moderation worker's CPU time and peak RSS are printed on their own line.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    *("marché", "quartier", "mairie", "école", "bibliothèque", "tramway", "budget"),
    *("conseil", "habitants", "rue", "place", "saison", "concert", "jardin"),
    *("chantier", "vélo", "pluie", "récolte", "port", "gare", "boulangerie"),
    *("musée", "stade", "rentrée", "fête", "voisins", "parc"),
]
WORDS_AR = [
    *("سوق", "حي", "مدرسة", "مكتبة", "حديقة"),
    *("شارع", "ميناء", "مسرح", "مهرجان", "جيران"),
]


def _sentence(rng: random.Random, words: int) -> str:
    pool = WORDS_AR if rng.random() < 0.2 else WORDS
    text = " ".join(rng.choice(pool) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, *, posts: int, comments: int, seed: int = 7) -> None:
    """Write a WXR 1.2 export with ``posts`` posts and ``comments`` comments."""
    rng = random.Random(seed)
    per_post, extra = divmod(comments, posts)
    comment_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Banc d'essai</title><link>https://bench.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example.org</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
        )
        for n in range(1, 6):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id>"
                f"<wp:author_login>{_cdata(f'auteur{n}')}</wp:author_login>"
                f"<wp:author_display_name>{_cdata(f'Auteur {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n in range(1, 11):
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id>"
                f"<wp:category_nicename>rubrique-{n}</wp:category_nicename>"
                f"<wp:cat_name>{_cdata(f'Rubrique {n}')}</wp:cat_name></wp:category>\n"
            )
        for post_id in range(1, posts + 1):
            body = "\n\n".join(_sentence(rng, 25) for _ in range(5))
            day = 1 + post_id % 28
            out.write(
                f"<item><title>{escape(_sentence(rng, 6))}</title>"
                f"<dc:creator>{_cdata(f'auteur{1 + post_id % 5}')}</dc:creator>"
                f"<content:encoded>{_cdata(body)}</content:encoded>"
                f"<excerpt:encoded>{_cdata(_sentence(rng, 12))}</excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id>"
                f"<wp:post_date_gmt>2025-03-{day:02d} 08:00:00</wp:post_date_gmt>"
                f"<wp:post_name>article-{post_id}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="rubrique-{1 + post_id % 10}">'
                f"Rubrique {1 + post_id % 10}</category>\n"
            )
            first = comment_id
            count = per_post + (1 if post_id <= extra else 0)
            for k in range(count):
                parent = (
                    rng.randrange(first, comment_id) if k and rng.random() < 0.25 else 0
                )
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{_cdata(f'Lecteur {rng.randrange(5000)}')}"
                    "</wp:comment_author>"
                    f"<wp:comment_author_email>lecteur{comment_id}@example.net"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_IP>198.51.100.{comment_id % 250}"
                    "</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2025-03-{day:02d} 12:00:00"
                    "</wp:comment_date_gmt>"
                    f"<wp:comment_content>{_cdata(_sentence(rng, 18))}"
                    "</wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
                comment_id += 1
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


class _LoadSampler:
    """Sample the 1-minute load average every ``every`` seconds in a thread."""

    def __init__(self, every: float = 10.0) -> None:
        import threading

        self.samples: list[float] = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> _LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> str:
        values = self.samples
        return (
            f"load average (1 min) min {min(values):.1f} / "
            f"mean {sum(values) / len(values):.1f} / max {max(values):.1f} "
            f"over {len(values)} samples"
        )


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in kilobytes on Linux; for RUSAGE_CHILDREN it is the
    # largest of the waited-for children (the moderation worker).
    return resource.getrusage(who).ru_maxrss / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--parse-only", action="store_true")
    parser.add_argument(
        "--moderation-workers",
        type=int,
        default=0,
        help="moderation worker processes (0: the engine runs in the importer)",
    )
    parser.add_argument(
        "--without-moderation",
        action="store_true",
        help="disconnect the moderation receiver to time the importer alone",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="manchette-bench-") as tmp:
        tmpdir = Path(tmp)
        export = tmpdir / "export.xml"
        started = time.perf_counter()
        generate(export, posts=args.posts, comments=args.comments)
        size_mb = export.stat().st_size / 1e6
        print(
            f"generated {args.posts} posts / {args.comments} comments, "
            f"{size_mb:.1f} MB in {time.perf_counter() - started:.1f} s"
        )

        from manchette.importers.wxr.parse import WxrPost, iter_wxr

        started = time.perf_counter()
        posts = comments = 0
        for record in iter_wxr(export):
            if isinstance(record, WxrPost):
                posts += 1
                comments += len(record.comments)
        print(
            f"parse only: {posts} posts, {comments} comments in "
            f"{time.perf_counter() - started:.1f} s, peak RSS {_peak_rss_mb():.0f} MB"
        )
        if args.parse_only:
            return

        os.environ["DJANGO_SETTINGS_MODULE"] = "manchette.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir / 'bench.sqlite3'}"
        import django

        django.setup()
        from django.core.management import call_command
        from wagtail.models import Page, Site

        from manchette.importers.wxr.load import ImportOptions, import_wxr
        from manchette.news.models import HomePage

        call_command("migrate", verbosity=0, interactive=False)
        if args.without_moderation:
            from manchette.comments.signals import comment_submitted

            comment_submitted.disconnect(dispatch_uid="moderation.on_comment_submitted")
        root = Page.get_first_root_node()
        home = HomePage(title="Accueil", slug="accueil-bench")
        root.add_child(instance=home)
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
        options = ImportOptions(home=home, moderation_workers=args.moderation_workers)
        started = time.perf_counter()
        cpu_started = time.process_time()
        children_started = _children_cpu()
        sampler = _LoadSampler()
        sampler.__enter__()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            report = profiler.runcall(import_wxr, export, options)
            stats = pstats.Stats(profiler)
            if os.environ["BENCH_PROFILE"].endswith(".prof"):
                stats.dump_stats(os.environ["BENCH_PROFILE"])
            stats.sort_stats("cumulative").print_stats(40)
        else:
            report = import_wxr(export, options)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        worker_cpu = _children_cpu() - children_started
        sampler.__exit__()
        print(
            f"import: {dict(report.counts['posts'])} posts, "
            f"{dict(report.counts['comments'])} comments, "
            f"moderation {dict(report.moderation)}"
        )
        print(
            f"import wall time {elapsed:.1f} s; CPU time {cpu:.1f} s "
            f"({100 * cpu / elapsed:.0f}% of one core); "
            f"peak RSS {_peak_rss_mb():.0f} MB"
        )
        if args.moderation_workers:
            print(
                f"moderation worker: {report.worker_verdicts} verdicts, "
                f"CPU time {worker_cpu:.1f} s, "
                f"peak RSS {_peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
            )
        print(f"{sampler.summary()}; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
