"""Load the demo data of every app (idempotent) and print the logins.

Each app that has demo data defines ``<app>/demo.py`` with ``seed(stdout)``; they run
in the order of INSTALLED_APPS, so an app's demo builds on those to its left.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo organizations, users and data of every app (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(self.stdout)
