"""The Flask + Flask-SQLAlchemy reference for the wrk comparison (scripts/bench-web):
the blog's models (the tables and columns of examples/blog) and its two
benchmark endpoints, written the way the Flask-SQLAlchemy 3 documentation does.

    gunicorn 'flask_blog:create_app()'        # database from FLASK_BLOG_DATABASE
    python3 flask_blog.py --database URL --port 8081   # werkzeug, for a look by hand
"""
import os
import sys
from datetime import datetime

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.pool import QueuePool
from werkzeug.exceptions import HTTPException

db = SQLAlchemy()

follow = db.Table(
    "follow",
    db.Column("follower_id", db.Integer, db.ForeignKey("user.id"), primary_key=True),
    db.Column("followed_id", db.Integer, db.ForeignKey("user.id"), primary_key=True),
)

post_tag = db.Table(
    "post_tag",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class User(db.Model):
    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)
    posts = db.relationship("Post", back_populates="author", order_by="Post.id", cascade="all, delete-orphan")
    profile = db.relationship("Profile", back_populates="user", uselist=False, cascade="all, delete-orphan")
    followed = db.relationship(
        "User",
        secondary=follow,
        primaryjoin=lambda: User.id == follow.c.follower_id,
        secondaryjoin=lambda: User.id == follow.c.followed_id,
        backref="followers",
    )


class Profile(db.Model):
    __tablename__ = "profile"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), unique=True)
    bio = db.Column(db.Text)
    location = db.Column(db.String(100))
    user = db.relationship("User", back_populates="profile")


class Post(db.Model):
    __tablename__ = "post"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    body = db.Column(db.Text, nullable=False)
    # Indexed: the user page selects posts by user_id, the timeline orders by created_at.
    created_at = db.Column(db.DateTime, default=datetime.utcnow, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    author = db.relationship("User", back_populates="posts")
    tags = db.relationship("Tag", secondary=post_tag, back_populates="posts", order_by="Tag.id")
    comments = db.relationship("Comment", back_populates="post", cascade="all, delete-orphan")


class Tag(db.Model):
    __tablename__ = "tag"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    posts = db.relationship("Post", secondary=post_tag, back_populates="tags")


class Comment(db.Model):
    __tablename__ = "comment"
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"))
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    parent_id = db.Column(db.Integer, db.ForeignKey("comment.id"), nullable=True)
    post = db.relationship("Post", back_populates="comments")
    replies = db.relationship("Comment", backref=db.backref("parent", remote_side=[id]))


def iso(value):
    return value.isoformat() if value is not None else None


def user_json(user):
    return {"id": user.id, "username": user.username, "email": user.email, "created_at": iso(user.created_at)}


def post_json(post):
    return {
        "id": post.id,
        "title": post.title,
        "body": post.body,
        "created_at": iso(post.created_at),
        "user_id": post.user_id,
    }


def engine_options(url):
    # SQLAlchemy 1.4 gives a file SQLite database a NullPool (a new connection,
    # and a new sqlite3 handle, per request); 2.0 pools them, as Retort does.
    # Give Flask the 2.0 behaviour: a QueuePool shared by the worker's threads.
    if url.startswith("sqlite"):
        return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
    return {}


def create_app(database_url=None):
    url = database_url or os.environ.get("FLASK_BLOG_DATABASE", "sqlite:///blog.db")
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    app.config["SQLALCHEMY_RECORD_QUERIES"] = False
    db.init_app(app)

    @app.errorhandler(HTTPException)
    def http_error(e):
        return jsonify(error=e.name, status=e.code, description=e.description), e.code

    @app.get("/api/users/<int:id>")
    def get_user(id):
        # Flask-SQLAlchemy 3.0's get_or_404 takes no loader options: one_or_404 of a select.
        user = db.one_or_404(select(User).where(User.id == id).options(selectinload(User.posts)))
        out = user_json(user)
        out["posts"] = [post_json(p) for p in user.posts]
        return jsonify(out)

    @app.get("/api/posts")
    def list_posts():
        query = (
            select(Post)
            .order_by(Post.created_at.desc(), Post.id.desc())
            .options(selectinload(Post.author), selectinload(Post.tags))
        )
        page = db.paginate(query)  # page / per_page (default 20) from the query string
        items = []
        for p in page.items:
            item = post_json(p)
            item["author"] = user_json(p.author)
            item["tags"] = [{"id": t.id, "name": t.name} for t in p.tags]
            items.append(item)
        return jsonify(
            items=items,
            page=page.page,
            per_page=page.per_page,
            total=page.total,
            pages=page.pages,
            has_prev=page.has_prev,
            has_next=page.has_next,
            prev_num=page.prev_num,
            next_num=page.next_num,
        )

    return app


def main(argv):
    args = dict(zip(argv[::2], argv[1::2]))
    app = create_app(args.get("--database"))
    app.run(host="127.0.0.1", port=int(args.get("--port", "8081")))


if __name__ == "__main__":
    main(sys.argv[1:])
