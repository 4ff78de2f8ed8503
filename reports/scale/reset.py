"""Finding and removing generated scale data, and nothing else.

Generated organizations have slugs starting ``scale-`` and generated people e-mail
addresses at ``scale-…`` domains; demo data and real tenants never do. Removing
millions of rows through Django's deletion collector would load them into memory, so
the cascade is planned once over the models' relations (as the collector walks them)
and run as set-based SQL:

1. from the generated organizations and people down, the keys of every row that must
   go (a relation that cascades or protects) are gathered once per model, into a
   temporary table when other rows depend on them;
2. every model's rows are deleted with one statement;
3. rows that stay but point at deleted ones with ``SET_NULL`` are unlinked, as
   Django would.

Constraints are deferred to the commit, which checks that nothing was left dangling.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection, models, transaction

from csr_platform.models import Organization, User
from reports.scale.context import EMAIL_DOMAIN_PREFIX, SLUG_PREFIX

# How a relation's deletion is followed: its rows go, or are unlinked.
GOES = (models.CASCADE, models.PROTECT, models.RESTRICT, models.DO_NOTHING)


def scale_data_exists() -> bool:
    return Organization.objects.filter(slug__startswith=SLUG_PREFIX).exists()


@transaction.atomic
def scale_data_delete() -> int:
    """Delete every generated organization and person and everything that cascades
    from them. Returns how many SQL statements that took."""
    roots: dict[type[models.Model], tuple[str, tuple[Any, ...]]] = {}
    for queryset in (
        Organization.objects.filter(slug__startswith=SLUG_PREFIX),
        User.objects.filter(email__contains=EMAIL_DOMAIN_PREFIX),
    ):
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        roots[queryset.model] = (sql, tuple(params))
    return _Purge(roots).run()


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    """Foreign keys (and one-to-ones) of other models that point at ``model``, hidden
    ones (``related_name="+"``) included, as Django's deletion collector finds them."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]


# Every statement below is built from table and column names of the models' own
# metadata, quoted by the backend; every value is a query parameter.
class _Purge:
    def __init__(self, roots: dict[type[models.Model], tuple[str, tuple[Any, ...]]]) -> None:
        self.roots = roots
        self.quote = connection.ops.quote_name
        self.statements = 0
        # model → (referencing model's foreign-key column, referenced model) for rows
        # that go with the rows they point at.
        self.incoming: dict[type[models.Model], list[tuple[str, type[models.Model]]]] = defaultdict(
            list
        )
        # model → (model, column) of rows that are unlinked from its rows.
        self.unlinked: dict[type[models.Model], list[tuple[type[models.Model], str]]] = defaultdict(
            list
        )
        self.order = self._plan()
        self.keys: dict[type[models.Model], tuple[str, tuple[Any, ...]]] = {}
        self.temporary: list[str] = []

    def _plan(self) -> list[type[models.Model]]:
        """Every model with rows that go, each after the models its rows go with."""
        found: list[type[models.Model]] = []
        pending = list(self.roots)
        while pending:
            model = pending.pop()
            if model in found:
                continue
            found.append(model)
            for relation in _reverse_relations(model):
                related, fk = relation.related_model, relation.field
                on_delete = fk.remote_field.on_delete
                if on_delete is models.SET_NULL:
                    self.unlinked[model].append((related, fk.column))
                elif on_delete in GOES and related is not model:
                    self.incoming[related].append((fk.column, model))
                    pending.append(related)
                elif related is not model:
                    raise NotImplementedError(f"{fk} neither cascades nor unlinks.")
        ordered: list[type[models.Model]] = []
        while len(ordered) < len(found):
            ready = [
                m
                for m in found
                if m not in ordered and all(p in ordered for _c, p in self.incoming[m])
            ]
            if not ready:
                raise RuntimeError("The models' relations form a cycle.")
            ordered.extend(ready)
        return ordered

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        self.statements += 1

    def _select(self, model: type[models.Model]) -> tuple[str, tuple[Any, ...]]:
        """The keys of the rows of ``model`` that go, as one query."""
        if model in self.roots:
            return self.roots[model]
        quote = self.quote
        parts, params = [], ()
        for column, parent in self.incoming[model]:
            parent_sql, parent_params = self.keys[parent]
            parts.append(
                f"SELECT {quote(str(model._meta.pk.column))} FROM {quote(model._meta.db_table)} "  # noqa: S608
                f"WHERE {quote(column)} IN ({parent_sql})"
            )
            params += parent_params
        return " UNION ".join(parts), params

    def run(self) -> int:
        quote = self.quote
        for number, model in enumerate(self.order):
            sql, params = self._select(model)
            depended_on = any(model is p for m in self.order for _c, p in self.incoming[m])
            if depended_on or self.unlinked[model]:
                # Gathered once, read by every dependent statement.
                table = quote(f"scale_purge_{number}")
                self._execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
                self.temporary.append(table)
                if connection.vendor == "postgresql":
                    self._execute(f"ANALYZE {table}")  # so joins on it are planned well
                sql, params = f"SELECT * FROM {table}", ()  # noqa: S608
            self.keys[model] = (sql, params)
        for model in reversed(self.order):
            keys_sql, keys_params = self.keys[model]
            table, key = quote(model._meta.db_table), quote(str(model._meta.pk.column))
            self._execute(f"DELETE FROM {table} WHERE {key} IN ({keys_sql})", keys_params)  # noqa: S608
        # Only rows that stay are left to unlink; the keys they pointed at were kept.
        for model in self.order:
            keys_sql, keys_params = self.keys[model]
            for related, column in self.unlinked[model]:
                self._execute(
                    f"UPDATE {quote(related._meta.db_table)} SET {quote(column)} = NULL "  # noqa: S608
                    f"WHERE {quote(column)} IN ({keys_sql})",
                    keys_params,
                )
        for table in self.temporary:
            self._execute(f"DROP TABLE {table}")
        return self.statements
