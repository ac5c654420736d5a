"""SQLAlchemy's side of the seven-workload benchmark (workloads.hpp defines the
data, the workloads and their checksums; main.cpp runs this script and checks
its output). Written 2.0-style on SQLAlchemy 1.4.46, as a user would write it:
sessions, relationships, loader options.

    sqlalchemy_side.py --db URL --users N

URL is sqlite:///path (a file) or a postgresql:// URL (psycopg2). One run is
one round: reset (untimed), W1, fingerprint, W2 .. W7, fingerprint. Prints one
line per workload, `<name> <wall_ms> <cpu_ms> <peak_rss_kib> <a> <b> <c>`, and
`fingerprint1 f0 .. f5` / `fingerprint7 f0 .. f5`; nothing else on stdout."""
import argparse
import ctypes
import ctypes.util
import gc
import sys
import time

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, create_engine, event, select, text
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload
from sqlalchemy.pool import QueuePool

POSTS_PER_USER = 10
TAG_COUNT = 50
TAGS_PER_POST = 3

FINGERPRINT_SQL = (
    'SELECT (SELECT COUNT(*) FROM "user"), (SELECT COUNT(*) FROM post), (SELECT COUNT(*) FROM post_tag), '
    "(SELECT COALESCE(SUM(LENGTH(title)), 0) FROM post), (SELECT COALESCE(SUM(user_id), 0) FROM post), "
    "(SELECT COALESCE(SUM(post_id * tag_id), 0) FROM post_tag)"
)

Base = declarative_base()

post_tag = Table(
    "post_tag",
    Base.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "user"
    id = Column(Integer, primary_key=True)
    username = Column(String(50), nullable=False)
    posts = relationship("Post", back_populates="author", cascade="all, delete-orphan", order_by="Post.id")


class Post(Base):
    __tablename__ = "post"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    content = Column(Text, nullable=False)
    user_id = Column(Integer, ForeignKey("user.id"), nullable=False)
    author = relationship("User", back_populates="posts")
    tags = relationship("Tag", secondary=post_tag, back_populates="posts")


Index("ix_post_user_id", Post.user_id)


class Tag(Base):
    __tablename__ = "tag"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, unique=True)
    posts = relationship("Post", secondary=post_tag, back_populates="tags")


def title(u, p):
    return "post %d of user %d" % (p, u)


def content(u, p):
    return (title(u, p) + " ").ljust(200, "x")


def tag_of(g, k):
    """The k-th tag (0-based) of the post with 0-based global index g."""
    return (g + 17 * k) % TAG_COUNT


def make_engine(url):
    if url.startswith("sqlite"):
        # 1.4 gives a file database a NullPool (a new connection, and its PRAGMAs, per
        # session); 2.0's default, and every other side, reuses connections.
        engine = create_engine(url, future=True, poolclass=QueuePool)
        # The same file-database settings as the C++ sides, on every pooled connection.
        @event.listens_for(engine, "connect")
        def pragmas(dbapi_connection, _):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=wal")
            cursor.close()

        return engine
    return create_engine(url, future=True)


def w1_create(engine, n):
    a = b = c = 0
    with Session(engine, future=True) as s:
        tags = [Tag(name="tag%d" % t) for t in range(TAG_COUNT)]
        s.add_all(tags)  # first, so the tags take ids 1..50
        for u in range(n):
            user = User(username="user%d" % u)
            s.add(user)
            a += 1
            for p in range(POSTS_PER_USER):
                post = Post(title=title(u, p), content=content(u, p))
                user.posts.append(post)
                b += 1
                g = u * POSTS_PER_USER + p
                for k in range(TAGS_PER_POST):
                    post.tags.append(tags[tag_of(g, k)])
                    c += 1
        s.commit()
    return a, b, c


def w2_users_with_posts(engine):
    a = b = c = 0
    with Session(engine, future=True) as s:
        for user in s.scalars(select(User).options(selectinload(User.posts))).all():
            a += 1
            for post in user.posts:
                b += 1
                c += len(post.title)
    return a, b, c


def w3_lazy_posts(engine):
    """W3a and W3b alike: SQLAlchemy has no automatic batching, so one SELECT per user."""
    a = b = c = 0
    with Session(engine, future=True) as s:
        for user in s.scalars(select(User).where(User.id <= 1000).order_by(User.id)).all():
            a += 1
            for post in user.posts:
                b += 1
                c += post.id
    return a, b, c


def w4_tag_histogram(engine):
    a = b = 0
    histogram = {}
    with Session(engine, future=True) as s:
        for post in s.scalars(select(Post).options(selectinload(Post.tags))).all():
            a += 1
            for tag in post.tags:
                b += 1
                histogram[tag.name] = histogram.get(tag.name, 0) + 1
    return a, b, sum(count * count for count in histogram.values())


def w5a_gets_hits(engine, n):
    a = b = c = 0
    with Session(engine, future=True) as s:
        everyone = s.scalars(select(User)).all()  # held: the identity map keeps only what is referenced
        for i in range(100_000):
            user = s.get(User, (i * 7919) % n + 1)
            a += 1
            b += user.id
            c += len(user.username)
        del everyone
    return a, b, c


def w5b_gets_fresh_sessions(engine, n):
    a = b = c = 0
    for i in range(10_000):
        with Session(engine, future=True) as s:
            user = s.get(User, (i * 7919) % n + 1)
            a += 1
            b += user.id
            c += len(user.username)
    return a, b, c


def w6_edit_titles(engine, n):
    a = b = c = 0
    with Session(engine, future=True) as s:
        for post in s.scalars(select(Post).where(Post.id <= n)).all():
            post.title = "edited " + post.title
            a += 1
            b += len(post.title)
            c += post.id
        s.commit()
    return a, b, c


def w7_delete_cascade(engine):
    a = b = c = 0
    with Session(engine, future=True) as s:
        for user in s.scalars(select(User).where(User.id <= 1000)).all():
            a += 1
            # The delete cascade loads these anyway: posts to delete them, tags to delete the links.
            for post in user.posts:
                b += 1
                c += len(post.tags)
            s.delete(user)
        s.commit()
    return a, b, c


def fingerprint(engine):
    with engine.connect() as connection:
        return [int(v) for v in connection.execute(text(FINGERPRINT_SQL)).one()]


_libc = ctypes.CDLL(ctypes.util.find_library("c"))


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def measure(name, work):
    # As main.cpp measures the C++ sides, after collecting what the last workload left.
    gc.collect()
    _libc.malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # resets VmHWM to the current resident set
    cpu = time.process_time()
    start = time.perf_counter()
    a, b, c = work()
    wall_ms = (time.perf_counter() - start) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    print("%s %.3f %.3f %d %d %d %d" % (name, wall_ms, cpu_ms, peak_rss_kib(), a, b, c), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="sqlite:///path or postgresql://...")
    parser.add_argument("--users", type=int, required=True)
    args = parser.parse_args()
    n = args.users
    if n < 2000 or n % POSTS_PER_USER != 0:
        sys.exit("--users must be a multiple of 10, at least 2000 (W3 and W7 take the first 1,000)")

    engine = make_engine(args.db)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)

    measure("W1", lambda: w1_create(engine, n))
    print("fingerprint1 " + " ".join(map(str, fingerprint(engine))), flush=True)
    measure("W2", lambda: w2_users_with_posts(engine))
    measure("W3a", lambda: w3_lazy_posts(engine))
    measure("W3b", lambda: w3_lazy_posts(engine))
    measure("W4", lambda: w4_tag_histogram(engine))
    measure("W5a", lambda: w5a_gets_hits(engine, n))
    measure("W5b", lambda: w5b_gets_fresh_sessions(engine, n))
    measure("W6", lambda: w6_edit_titles(engine, n))
    measure("W7", lambda: w7_delete_cascade(engine))
    print("fingerprint7 " + " ".join(map(str, fingerprint(engine))), flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
