"""Serializer fields the API resources share."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers


@cache
def _labels_of(model_field: models.Field[Any, Any]) -> dict[Any, Any]:
    # Built once per model field and kept lazy, so each request still reads the
    # labels in its own language. (A field whose choices are a callable would be
    # frozen here at first use; none of ours are.)
    return dict(model_field.flatchoices)


class ChoiceLabelField(serializers.CharField):
    """The human label of a model field's choice, as ``get_FOO_display`` gives it.

    ``get_FOO_display`` rebuilds the field's whole list of choices, one ``gettext``
    per label, on every call: 243 µs for the 15 finding categories against 16 µs
    for a dictionary lookup, five times a row on a CAP list. This reads the model
    field named by ``source`` (on the serializer's model, through relations for a
    dotted source) and looks its value up in a dictionary built once. A value
    outside the choices shows as itself, as ``get_FOO_display`` does.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: serializers.BaseSerializer[Any]) -> None:
        super().bind(field_name, parent)
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is None:
            raise ImproperlyConfigured(
                f"{type(parent).__name__}.{field_name}: ChoiceLabelField needs a "
                "ModelSerializer, whose model holds the choices."
            )
        *relations, name = self.source_attrs
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        self.labels = _labels_of(model._meta.get_field(name))

    def to_representation(self, value: Any) -> str:
        return str(self.labels.get(value, value))
