"""Rows written straight into the tables, without model instances, saves or signals.

Generated history needs its own timestamps: ``auto_now_add`` fields would stamp every
row with the moment of the run if the rows went through ``bulk_create``. A
:class:`Table` holds plain tuples in the model's column order, with every value
given explicitly or taken from the field's constant default, and writes them with
``COPY … FROM STDIN`` on PostgreSQL (several times faster than ``INSERT``) or with
batched ``INSERT``\\ s elsewhere (the tests' SQLite), converted by each field's own
``get_db_prep_save``. The database's constraints still check every row.
"""

from __future__ import annotations

import io
import json
import queue
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import Any

from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models.fields import AutoFieldMixin

INSERT_BATCH = 500

# A field the caller must always give (a primary key, a required foreign key, a
# field whose default is computed per row such as ``timezone.now``).
REQUIRED: Any = object()


def _constant_default(field: models.Field[Any, Any]) -> Any:
    if field.primary_key:
        return REQUIRED
    if field.has_default():
        default = field.default
        if callable(default) and default not in (list, dict):
            return REQUIRED
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed and not field.is_relation:
        return ""
    return REQUIRED


def _copy_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _copy_formatter(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """How one column's Python value is spelled in COPY's text format."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if isinstance(field, models.JSONField):
        return lambda v: "\\N" if v is None else _copy_text(json.dumps(v))
    if kind == "BooleanField":
        return lambda v: "\\N" if v is None else ("t" if v else "f")
    if kind in ("DateTimeField", "DateField"):

        def moment(v: datetime | date | None) -> str:
            return "\\N" if v is None else v.isoformat()

        return moment
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField"):
        return lambda v: "\\N" if v is None else _copy_text(str(v))
    return lambda v: "\\N" if v is None else str(v)


def _insert_converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How one column's Python value goes to a database without COPY: what the
    field's ``get_db_prep_save`` does, with the per-value checks done once here."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    ops = connection.ops
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda v: None if v is None else ops.adapt_json_value(v, encoder)
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind in ("CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField"):
        return lambda v: None if v is None else str(v)
    if kind in (
        "BooleanField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
    ):
        return lambda v: v
    return lambda v: field.get_db_prep_save(v, connection)


class Table:
    """The rows of one model waiting to be written."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            # Integer primary keys come from the database's sequence.
            if not isinstance(f, AutoFieldMixin)
        ]
        self.model = model
        self.label = model._meta.label
        self.fields = fields
        self.attnames = tuple(f.attname for f in fields)
        self.defaults = tuple(_constant_default(f) for f in fields)
        self.required = frozenset(
            name
            for name, default in zip(self.attnames, self.defaults, strict=True)
            if default is REQUIRED
        )
        # A row is the defaults overlaid with the values given, read in column order:
        # both steps run in C, which matters at millions of rows.
        self._defaults = dict(zip(self.attnames, self.defaults, strict=True))
        self._in_order = itemgetter(*self.attnames)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        """Queue one row; every column not given takes the field's default."""
        row = self._defaults | values
        if len(row) != len(self._defaults) or not values.keys() >= self.required:
            missing = sorted(self.required - values.keys())
            unknown = sorted(values.keys() - self._defaults.keys())
            raise ValueError(f"{self.label}: missing {missing}, unknown {unknown}")
        self.rows.append(self._in_order(row))

    def flush(self) -> int:
        """Write the queued rows in the caller's transaction; returns how many."""
        rows, self.rows = self.rows, []
        return self.write(rows)

    def write(self, rows: list[tuple[Any, ...]]) -> int:
        """Write rows taken from this table (see :meth:`Tables.detach`)."""
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert(rows)
        self.written += len(rows)
        return len(rows)

    def _copy(self, rows: Iterable[tuple[Any, ...]]) -> None:
        formatters = [_copy_formatter(f) for f in self.fields]
        buffer = io.StringIO()
        write = buffer.write
        for row in rows:
            write("\t".join([spell(value) for spell, value in zip(formatters, row, strict=True)]))
            write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {self._target()} FROM STDIN", buffer)

    def _target(self) -> str:
        """The table and its columns, quoted, as COPY and INSERT name them."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        return f"{quote(self.model._meta.db_table)} ({columns})"

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join(["%s"] * len(self.fields))
        # Names from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {self._target()} VALUES ({marks})"  # noqa: S608
        converters = [_insert_converter(f) for f in self.fields]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), INSERT_BATCH):
                cursor.executemany(
                    sql,
                    [
                        [convert(v) for convert, v in zip(converters, row, strict=True)]
                        for row in rows[start : start + INSERT_BATCH]
                    ],
                )


class Tables:
    """One :class:`Table` per model, flushed together and counted per model."""

    def __init__(self) -> None:
        self._tables: dict[type[models.Model], Table] = {}
        self.extra_counts: dict[str, int] = {}

    def __getitem__(self, model: type[models.Model]) -> Table:
        table = self._tables.get(model)
        if table is None:
            table = self._tables[model] = Table(model)
        return table

    def flush(self) -> None:
        for table in self._tables.values():
            table.flush()

    def detach(self) -> list[tuple[Table, list[tuple[Any, ...]]]]:
        """Take every queued row out, to be written elsewhere (another thread)."""
        taken = [(table, table.rows) for table in self._tables.values() if table.rows]
        for table, _rows in taken:
            table.rows = []
        return taken

    def count(self, label: str, rows: int) -> None:
        """Count rows written another way (``bulk_create``) beside the tables'."""
        self.extra_counts[label] = self.extra_counts.get(label, 0) + rows

    def counts(self) -> dict[str, int]:
        """Rows written per model label, in the order the models were first used."""
        counts = dict(self.extra_counts)
        for table in self._tables.values():
            counts[table.label] = counts.get(table.label, 0) + table.written
        return counts


Batch = list[tuple[Table, list[tuple[Any, ...]]]]


class _Stage:
    """A thread with its own database connection that handles queued batches."""

    def __init__(self, name: str, handle: Callable[[Batch], None]) -> None:
        self.handle = handle
        self.error: BaseException | None = None
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def put(self, batch: Batch | None, *, failure: Callable[[], BaseException | None]) -> None:
        """Queue a batch (``None`` to stop), unless something failed meanwhile."""
        while self.thread.is_alive():
            if batch is not None and (error := failure()) is not None:
                raise RuntimeError("Writing generated rows failed.") from error
            try:
                self.queue.put(batch, timeout=1)
                return
            except queue.Full:
                continue
        if batch is not None:
            raise RuntimeError("Writing generated rows failed.") from failure()

    def close(self, *, failure: Callable[[], BaseException | None]) -> None:
        if self.thread.is_alive():
            self.put(None, failure=failure)
        self.thread.join()

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                self.handle(batch)
        except BaseException as exc:  # noqa: BLE001 - handed to the generating thread
            self.error = exc
        finally:
            connections.close_all()


class ChunkWriter:
    """Writes chunks of rows, each in its own transaction, in the order given.

    On PostgreSQL outside any transaction, threads with their own connections write
    while the next chunk is generated, so the database's work (parsing, indexes,
    foreign-key checks at commit) runs beside Python's: one writes every table but
    the ``trailing`` ones and commits, then hands those (rows nothing refers to, such
    as timeline events) to the other, which writes them while the first goes on with
    the next chunk. Inside a transaction (a test) or on another database, a chunk is
    written at once, in the caller's connection and one transaction.

    Checking each row's foreign keys one by one, at commit, is more than half of
    PostgreSQL's work here. When the connection may (a superuser, as ``pg_restore
    --disable-triggers`` requires), the writers' transactions skip those per-row
    checks and :meth:`check_references` then checks every reference of the written
    tables at once, with one anti-join per foreign key: the same guarantee, checked
    in bulk. Unique and check constraints are enforced row by row either way.
    """

    def __init__(self, *, trailing: frozenset[type[models.Model]] = frozenset()) -> None:
        self.parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.trailing = trailing
        self.checks_in_bulk = self.parallel and _is_superuser()
        self.models: dict[type[models.Model], None] = {}
        self._stages: list[_Stage] = []
        if self.parallel:
            write = partial(_write_batch, skip_row_checks=self.checks_in_bulk)
            # Started last to first, so each stage's successor exists.
            self._after = _Stage("scale-writer-trailing", write)
            self._first = _Stage("scale-writer", self._write_leading)
            self._stages = [self._first, self._after]

    def _failure(self) -> BaseException | None:
        return next((stage.error for stage in self._stages if stage.error is not None), None)

    def submit(self, batch: Batch) -> None:
        self.models.update((table.model, None) for table, _rows in batch)
        if not self.parallel:
            _write_batch(batch)
            return
        self._first.put(batch, failure=self._failure)

    def _write_leading(self, batch: Batch) -> None:
        leading = [(table, rows) for table, rows in batch if table.model not in self.trailing]
        _write_batch(leading, skip_row_checks=self.checks_in_bulk)
        trailing = [(table, rows) for table, rows in batch if table.model in self.trailing]
        if trailing:
            self._after.put(trailing, failure=self._failure)

    def finish(self) -> None:
        """Wait until every chunk is written; re-raise what failed in a writer."""
        for stage in self._stages:
            stage.close(failure=self._failure)
        self._stages = []
        if (error := self._failure_seen()) is not None:
            raise RuntimeError("Writing generated rows failed.") from error

    def _failure_seen(self) -> BaseException | None:
        if not self.parallel:
            return None
        return self._first.error or self._after.error

    def check_references(self) -> int:
        """After :meth:`finish`: if rows were written without per-row foreign-key
        checks, check every foreign key of the written tables; raise
        ``IntegrityError`` naming the first that points at a missing row. Returns
        how many foreign keys were checked."""
        if not self.checks_in_bulk:
            return 0
        checked = 0
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in self.models:
                for field in model._meta.concrete_fields:
                    if not field.is_relation:
                        continue
                    target = field.target_field  # type: ignore[attr-defined]
                    cursor.execute(
                        f"SELECT 1 FROM {quote(model._meta.db_table)} AS c "  # noqa: S608
                        f"WHERE c.{quote(str(field.column))} IS NOT NULL AND NOT EXISTS "
                        f"(SELECT 1 FROM {quote(target.model._meta.db_table)} AS p "
                        f"WHERE p.{quote(target.column)} = c.{quote(str(field.column))}) LIMIT 1"
                    )
                    if cursor.fetchone() is not None:
                        raise IntegrityError(
                            f"{model._meta.label}.{field.name} points at a missing row."
                        )
                    checked += 1
        return checked


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        row = cursor.fetchone()
    return bool(row and row[0])


def _write_batch(batch: Batch, *, skip_row_checks: bool = False) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Generated data is rebuilt by rerunning: no need to wait for each
                # commit to reach the disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                if skip_row_checks:
                    # No triggers in this transaction: the foreign keys' per-row
                    # checks are left to ChunkWriter.check_references.
                    cursor.execute("SET LOCAL session_replication_role TO replica")
        for table, rows in batch:
            table.write(rows)
