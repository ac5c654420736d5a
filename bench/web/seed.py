"""Fills a database with the benchmark's data, the same rows every time, for
both servers of scripts/bench-web: the Retort blog (started with --no-seed)
and the Flask reference read the same tables. It drops and re-creates the
blog's tables from the Flask models' metadata (flask_blog.py), then writes
with SQLAlchemy Core:

    python3 seed.py URL [--users N]    # URL also from FLASK_BLOG_DATABASE

N users (default 1000), 10 posts each (~200-byte body, spread over the users
so that every timeline page mixes authors), 50 tags, 3 tags per post.
"""
import os
import sys
from datetime import datetime, timedelta

from sqlalchemy import create_engine, insert, text

from flask_blog import db, follow, post_tag

POSTS_PER_USER = 10
TAGS = 50
TAGS_PER_POST = 3
BASE_TIME = datetime(2024, 1, 1)
LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
    "aliquip ex ea commodo consequat. "
)
BATCH = 5000


def rows(users):
    user_rows = [
        {
            "id": u,
            "username": "user%05d" % u,
            "email": "user%05d@example.com" % u,
            "created_at": BASE_TIME + timedelta(minutes=u),
        }
        for u in range(1, users + 1)
    ]
    tag_rows = [{"id": t, "name": "tag%02d" % t} for t in range(1, TAGS + 1)]
    post_rows, post_tag_rows = [], []
    for k in range(users * POSTS_PER_USER):
        post_id = k + 1
        head = "Post %d by user%05d. " % (post_id, k % users + 1)
        post_rows.append(
            {
                "id": post_id,
                "title": "Post %d" % post_id,
                "body": (head + LOREM)[:200],
                "created_at": BASE_TIME + timedelta(days=1, seconds=37 * k, microseconds=(k * 7919) % 1000000),
                "user_id": k % users + 1,
            }
        )
        # 7, 17 and 34 apart modulo 50: three distinct tags, every tag used.
        for t in range(TAGS_PER_POST):
            post_tag_rows.append({"post_id": post_id, "tag_id": (k * 7 + t * 17) % TAGS + 1})
    return user_rows, tag_rows, post_rows, post_tag_rows


def seed(url, users=1000):
    engine = create_engine(url, future=True)
    metadata = db.metadata
    metadata.drop_all(engine)
    metadata.create_all(engine)
    user_rows, tag_rows, post_rows, post_tag_rows = rows(users)
    tables = metadata.tables
    with engine.begin() as conn:
        for table, data in (
            (tables["user"], user_rows),
            (tables["tag"], tag_rows),
            (tables["post"], post_rows),
            (post_tag, post_tag_rows),
        ):
            for i in range(0, len(data), BATCH):
                conn.execute(insert(table), data[i : i + BATCH])
        if engine.dialect.name == "postgresql":
            # The ids were given: move the SERIAL sequences past them, so that
            # rows created later (through the blog's forms) get fresh keys.
            for name in ("user", "tag", "post", "profile", "comment"):
                conn.execute(
                    text("SELECT setval(pg_get_serial_sequence(:t, 'id'), coalesce(max(id), 0) + 1, false) FROM \"%s\"" % name),
                    {"t": '"%s"' % name},
                )
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=wal")  # kept in the file: readers never wait for a writer
    with engine.connect() as conn:
        counts = [conn.execute(text('SELECT count(*) FROM "%s"' % t)).scalar_one() for t in ("user", "post", "tag", "post_tag")]
    engine.dispose()
    return counts


def main(argv):
    url = os.environ.get("FLASK_BLOG_DATABASE")
    users = 1000
    i = 0
    while i < len(argv):
        if argv[i] == "--users":
            users = int(argv[i + 1])
            i += 2
        elif argv[i].startswith("-"):
            sys.exit("seed.py: unknown option %s (usage: seed.py URL [--users N])" % argv[i])
        else:
            url = argv[i]
            i += 1
    if not url:
        sys.exit("seed.py: no database URL (usage: seed.py URL [--users N])")
    if users < 1:
        sys.exit("seed.py: --users must be at least 1")
    counts = seed(url, users)
    expected = [users, users * POSTS_PER_USER, TAGS, users * POSTS_PER_USER * TAGS_PER_POST]
    if counts != expected:
        sys.exit("seed.py: wrote %s rows (user, post, tag, post_tag), expected %s" % (counts, expected))


if __name__ == "__main__":
    main(sys.argv[1:])
