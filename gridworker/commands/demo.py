"""gridworker demo [--persons N] [--seed S] [--force] [--queue-outbox]"""

from __future__ import annotations

import sys
import time

from ..domain.errors import Refused


def register(sub) -> None:
    p = sub.add_parser("demo", help="fill the current account with a generated demo community")
    p.add_argument("--persons", type=int, default=2000, help="how many people (default 2000)")
    p.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same community (default 1)")
    p.add_argument("--street", default="幸福街道", help="name of the street (街道) at the top of the demo tree")
    p.add_argument("--force", action="store_true", help="load even if the account already holds register records")
    p.add_argument(
        "--queue-outbox",
        action="store_true",
        help="go through the register services and queue every record for the server (slow; default: a local-only fixture)",
    )
    p.set_defaults(func=demo)


def demo(args, ctx) -> int:
    from ..demo.data import generate
    from ..demo.load import load_demo, register_counts

    store = ctx.store()
    with store.read() as s:
        counts = register_counts(s)
    if any(counts.values()) and not args.force:
        raise Refused(
            f"该账户已有登记数据（楼栋{counts['building']}、住户{counts['household']}、人员{counts['person']}），"
            "演示数据不会混入；确需载入请加 --force",
            f"This account already holds register records ({counts['building']} buildings, {counts['household']} "
            f"households, {counts['person']} people): the demo is not mixed in unless you add --force",
            code="register_not_empty",
        )
    started = time.perf_counter()
    community = generate(persons=args.persons, seed=args.seed, street=args.street)
    load_demo(store, community, queue_outbox=args.queue_outbox, progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    seconds = time.perf_counter() - started
    grids = sum(1 for a in community.areas if a["level"] == "grid")
    ctx.say(
        f"已载入演示数据：{grids}个网格、{len(community.buildings)}栋楼、{len(community.households)}户、"
        f"{len(community.persons)}人（{seconds:.1f}秒）",
        f"Loaded the demo: {grids} grids, {len(community.buildings)} buildings, {len(community.households)} households, "
        f"{len(community.persons)} people ({seconds:.1f} s)",
    )
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
