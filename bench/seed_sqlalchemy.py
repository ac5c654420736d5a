"""The seed workload in SQLAlchemy (the reference Retort follows), for a
side-by-side figure: same models, same file-database settings, same access
pattern as bench/seed_bench.cpp. Prints best-of-R milliseconds per phase and
the same checksums, one line per phase: `phase ms`."""
import os
import sys
import tempfile
import time

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, create_engine, event
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "user"
    id = Column(Integer, primary_key=True)
    username = Column(String(50), nullable=False)
    posts = relationship("Post", back_populates="author", lazy="select", order_by="Post.id")


class Post(Base):
    __tablename__ = "post"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    content = Column(Text, nullable=False)
    user_id = Column(Integer, ForeignKey("user.id"), nullable=False)
    author = relationship("User", back_populates="posts")


Index("ix_post_user_id", Post.user_id)


def run(path, n, m):
    engine = create_engine("sqlite:///" + path)

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection, _):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=wal")
        cursor.close()

    Base.metadata.create_all(engine)
    start = time.perf_counter()
    with Session(engine) as session:
        for u in range(n):
            user = User(username="user%d" % u)
            session.add(user)
            for p in range(m):
                user.posts.append(Post(title="post %d of user %d" % (p, u), content="content"))
        session.commit()
    write_ms = (time.perf_counter() - start) * 1000
    totals = [0, 0, 0, 0]
    start = time.perf_counter()
    with Session(engine) as session:
        for user in session.query(User).all():
            totals[0] += 1
            for post in user.posts:
                totals[1] += 1
                totals[2] += post.id
                totals[3] += len(post.title)
    read_ms = (time.perf_counter() - start) * 1000
    engine.dispose()
    return write_ms, read_ms, totals


def main():
    args = sys.argv[1:]
    opt = lambda name, default: int(args[args.index(name) + 1]) if name in args else default
    n, m, repeat = opt("--users", 10000), opt("--posts-per-user", 10), opt("--repeat", 3)
    best_w = best_r = float("inf")
    with tempfile.TemporaryDirectory() as d:
        for r in range(repeat):
            w, rd, totals = run(os.path.join(d, "sa%d.db" % r), n, m)
            best_w, best_r = min(best_w, w), min(best_r, rd)
    print("checked %d users %d posts id-sum %d title-chars %d" % tuple(totals))
    print("write %.1f" % best_w)
    print("read %.1f" % best_r)


if __name__ == "__main__":
    main()
