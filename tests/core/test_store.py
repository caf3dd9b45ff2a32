import sqlite3
from contextlib import nullcontext

import pytest
from sqlmodel import select

from gridworker.domain.errors import GridWorkerError, WrongPassword
from gridworker.domain.models import Person
from gridworker.services import register
from gridworker.store import migrate
from tests.conftest import PASSWORD


def test_database_file_is_not_plain_sqlite(accounts, store, account):
    register.register_person(store, {"name": "张美玲", "id_number": "11010519491231002X"})
    store.close()
    raw = account.db_path.read_bytes()
    assert b"SQLite format 3" not in raw[:16]
    assert "11010519491231002X".encode() not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(account.db_path).execute("SELECT * FROM person").fetchall()


def test_wrong_password_is_refused_and_changes_nothing(accounts, store, account):
    register.register_person(store, {"name": "李四"})
    store.close()
    before = account.db_path.read_bytes()
    info_before = (account.folder / "account.json").read_bytes()
    with pytest.raises(WrongPassword) as e:
        accounts.open("worker", "not the password")
    assert "密码错误" in e.value.zh and "Wrong password" in e.value.en
    assert account.db_path.read_bytes() == before
    assert (account.folder / "account.json").read_bytes() == info_before


def test_password_change_rewraps_the_key_and_keeps_the_data(accounts, store):
    register.register_person(store, {"name": "李四"})
    store.close()
    accounts.change_password("worker", PASSWORD, "a new secret")
    with pytest.raises(WrongPassword):
        accounts.open("worker", PASSWORD)
    _a, st = accounts.open("worker", "a new secret")
    with st.read() as s:
        assert [p.name for p in s.exec(select(Person))] == ["李四"]
    st.close()


def test_accounts_keep_their_own_data(accounts):
    accounts.create("a", "password-a")
    accounts.create("b", "password-b")
    _x, sa = accounts.open("a", "password-a")
    register.register_person(sa, {"name": "甲"})
    _y, sb = accounts.open("b", "password-b")
    with sb.read() as s:
        assert s.exec(select(Person)).all() == []
    sa.close()
    sb.close()
    assert accounts.names() == ["a", "b"]


@pytest.mark.parametrize("name", ["../evil", "a/b", "", "x" * 65])
def test_bad_account_names_refused(accounts, name):
    with pytest.raises(GridWorkerError):
        accounts.create(name, "dup-pass-1")


def test_weak_password_and_duplicate_account_refused(accounts):
    with pytest.raises(GridWorkerError):
        accounts.create("short", "12345")
    accounts.create("dup", "dup-pass-1")
    with pytest.raises(GridWorkerError) as e:
        accounts.create("dup", "dup-pass-1")
    assert e.value.code == "account_exists"


def test_wal_and_foreign_keys_on(store):
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_database_is_at_head_and_upgrade_is_idempotent(store):
    assert migrate.current(store.engine) == migrate.head()
    migrate.upgrade(store.engine)
    assert migrate.current(store.engine) == migrate.head()


def test_failed_write_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.write() as s:
            s.add(Person(name="半个记录"))
            s.flush()
            raise RuntimeError("crash in the middle")
    with store.read() as s:
        assert s.exec(select(Person)).all() == []


@pytest.mark.parametrize("fails", [False, True])
def test_a_write_with_a_larger_page_cache_sets_its_connection_back(store, fails):
    """store.write(cache_kib=...): the transaction's connection has the larger cache, and the usual one after
    (committed or rolled back), so a bulk write's pages are not kept in memory afterwards."""
    from gridworker.store.database import CACHE_KIB

    def cache(driver) -> int:
        return driver.execute("PRAGMA cache_size").fetchone()[0]

    with pytest.raises(RuntimeError) if fails else nullcontext():
        with store.write(cache_kib=4 * CACHE_KIB) as s:
            driver = s.connection().connection.driver_connection
            assert cache(driver) == -4 * CACHE_KIB
            s.add(Person(name="赵六"))
            if fails:
                raise RuntimeError("stop")
    assert cache(driver) == -CACHE_KIB
    with store.read() as s:
        assert len(s.exec(select(Person).where(Person.name == "赵六")).all()) == (0 if fails else 1)
