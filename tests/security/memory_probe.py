"""Upload one file to a photo item in a fresh process and print the peak memory it added (KiB).

Run as `python -m tests.security.memory_probe FILE`: the app, a SQLite database and a user are
set up and warmed with one small upload first, so the figure is what this one upload costs.
"""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path

from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import ItemKind, Role
from tests import factories, samples
from tests.conftest import make_config


def main(path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = make_config(Path(folder), f"sqlite:///{folder}/probe.sqlite")
        app = create_app(config)
        with app.app_context():
            db.create_all()
            user = factories.make_user(Role.CONTRIBUTOR)
            item = factories.make_item(user, kind=ItemKind.PHOTO)
            client = app.test_client()
            client.post("/login", data={"email": user.email, "password": factories.PASSWORD})

            def upload(name: str, data: bytes) -> int:
                return factories.upload(client, item.id, name, data).status_code

            assert upload("warm.jpg", samples.photo()) == 201
            data = path.read_bytes()
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            status = upload(path.name, data)
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(status, after - before)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
