"""The reverse proxy in front of the web tier: one nginx, two gunicorn pools.

Readers' page views and comment writes are different work. A page view is a
cache read of a millisecond or two; a new comment is stored and moderated
(tens of milliseconds of CPU), and even a refused one goes through the form
and the rate limits. When a spam wave sends thousands of posts a minute to a
machine that also serves the pages, every web worker is soon busy with posts
and the page views queue behind them in the workers' first-in, first-out
queues: on two cores, readers then waited up to a second (docs/security.md).

So the production profile runs two gunicorn pools behind nginx, split by what
a request does (a "bulkhead": M. T. Nygard, *Release It!*, 2nd ed., 2018,
ch. 5):

* the **pages** pool takes every ``GET`` and ``HEAD`` of the public site:
  articles, feeds, the API's reads, static files;
* the **writes** pool takes every other method (comment posts, flags, edits),
  the comment form tokens a post starts with
  (``GET /api/v1/pages/<id>/comments/form-token``) and the whole admin
  (``/admin/``: editors' and moderators' work, and the moderation queue
  loads the moderation engine). It has fewer workers and runs at a lower CPU
  priority, so on a shared machine it cannot take the cores away from the
  readers.

Nothing is refused by the split: a write waits its turn in its own pool.
nginx passes the client's address in ``X-Forwarded-For``; the application
reads it there with ``COMMENTS_TRUSTED_PROXY_COUNT=1``.

:func:`nginx_conf` writes the whole ``nginx.conf`` for a standalone nginx run
by ``scripts/serve-prod`` and by the hostile-load tests; ``docs/deployment.md``
shows the same split for a system nginx.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

#: Comment posts (the HTML form, in any language's prefix, and the API): their
#: bodies are capped at :data:`COMMENT_BODY_LIMIT` by nginx itself.
COMMENT_POSTS_RE = r"^((/[a-z]{2})?/comments/|/api/v1/pages/[0-9]+/comments$)"
#: A comment is at most 5,000 characters (20 kB in UTF-8) plus a few fields;
#: nginx refuses a bigger body with 413 before buffering it for the pool.
COMMENT_BODY_LIMIT = "1m"
#: Requests sent to the writes pool even though their method is ``GET``: the
#: comment form tokens, and the admin, whose moderation queue loads the
#: moderation engine (which the pages pool's workers do not load).
WRITE_PATHS_RE = r"^(/api/v1/pages/[0-9]+/comments/form-token$|/admin/)"


def nginx_conf(
    *,
    listen: str,
    pages: str,
    writes: str,
    prefix: Path,
    media_root: Path | None = None,
) -> str:
    """Return an ``nginx.conf`` proxying ``listen`` to the two pools.

    Args:
        listen: the address nginx listens on (``127.0.0.1:8000``).
        pages: ``host:port`` of the gunicorn pool for ``GET``/``HEAD``.
        writes: ``host:port`` of the gunicorn pool for everything else.
        prefix: a writable folder for nginx's pid file, error log and
            temporary files (created by the caller).
        media_root: when given, nginx serves ``/media/`` (uploaded images
            and documents, ``MEDIA_ROOT``) from this folder itself; the
            application serves media only with ``DEBUG`` on.

    Returns:
        The configuration text, for ``nginx -p PREFIX -c FILE``. nginx runs
        in the foreground (``daemon off``) with one worker process.
    """
    media = (
        ""
        if media_root is None
        else f"""
        location /media/ {{
            alias {media_root}/;
            expires 7d;
            add_header X-Content-Type-Options nosniff;
        }}"""
    )
    temp = {
        name: prefix / name
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    return f"""\
# Written by manchette.ops.front: nginx in front of the pages and writes pools.
user {getpass.getuser()};
worker_processes 1;
daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log off;
    server_tokens off;
    client_max_body_size 64m;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    upstream manchette_pages {{
        server {pages};
        keepalive 64;
    }}
    upstream manchette_writes {{
        server {writes};
        keepalive 32;
    }}
    map $request_method $manchette_pool {{
        default manchette_writes;
        GET manchette_pages;
        HEAD manchette_pages;
    }}

    server {{
        listen {listen};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 60s;
        proxy_buffers 64 16k;

        location ~ {WRITE_PATHS_RE} {{
            proxy_pass http://manchette_writes;
        }}
        location ~ "{COMMENT_POSTS_RE}" {{
            client_max_body_size {COMMENT_BODY_LIMIT};
            proxy_pass http://$manchette_pool;
        }}{media}
        location / {{
            proxy_pass http://$manchette_pool;
        }}
    }}
}}
"""


def main(argv: list[str] | None = None) -> int:
    """Print :func:`nginx_conf` for the addresses given (``scripts/serve-prod``).

    ``python -m manchette.ops.front --listen 127.0.0.1:8000 --pages
    127.0.0.1:8001 --writes 127.0.0.1:8002 --prefix DIR``. Exits 2 (argparse)
    on a missing option.
    """
    import argparse
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(
        description="Print the nginx configuration of the front."
    )
    parser.add_argument("--listen", required=True, help="address nginx listens on")
    parser.add_argument("--pages", required=True, help="host:port of the pages pool")
    parser.add_argument("--writes", required=True, help="host:port of the writes pool")
    parser.add_argument("--prefix", required=True, help="nginx's writable folder")
    parser.add_argument("--media-root", help="folder nginx serves at /media/")
    args = parser.parse_args(argv)
    sys.stdout.write(
        nginx_conf(
            listen=args.listen,
            pages=args.pages,
            writes=args.writes,
            prefix=Path(args.prefix).resolve(),
            media_root=Path(args.media_root).resolve() if args.media_root else None,
        )
    )
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a script
    raise SystemExit(main())
