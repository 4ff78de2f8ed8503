# CSR Platform production image. One image runs every process; the command picks it:
#   bin/web (default)  gunicorn, after `migrate` and `collectstatic`
#   bin/worker         Celery worker
#   bin/beat           Celery beat (exactly one per deployment)
# Configuration comes from environment variables only; see .env.example.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Shared libraries WeasyPrint loads at run time (PDF reports), plus a default font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libffi8 \
        libjpeg62-turbo \
        fonts-dejavu-core \
        shared-mime-info \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
# With only pyproject.toml present, `pip install .` installs every dependency and a
# metadata-only csr-platform distribution (the package globs match nothing yet). The
# code itself is imported from /app (PYTHONPATH below), never from site-packages:
# settings derive BASE_DIR from their own location, and templates, static files and
# locale files live beside the code in /app.
# If pyproject.toml starts referencing another file (a readme, say), copy it here too.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install /tmp/build \
    && rm -rf /tmp/build

COPY . .

# The code stays owned by root (read-only for the app); only the directories the app
# writes to belong to it. Named volumes mounted on /app/var or /app/media start with
# this ownership. collectstatic runs when bin/web starts (it needs SECRET_KEY), not here.
RUN mkdir -p /app/staticfiles /app/var /app/media \
    && chown app:app /app/staticfiles /app/var /app/media

ENV DJANGO_SETTINGS_MODULE=csr_platform.settings \
    PYTHONPATH=/app \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

USER app

EXPOSE 8000

# /healthz is exempt from the HTTPS redirect, but Django still validates the Host
# header: HEALTHCHECK_HOST (default "localhost") must be listed in ALLOWED_HOSTS.
# Worker and beat containers should disable or replace this check (docker-compose.yml does).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import os, sys, urllib.request; req = urllib.request.Request('http://127.0.0.1:' + (os.environ.get('PORT') or '8000') + '/healthz', headers={'Host': os.environ.get('HEALTHCHECK_HOST') or 'localhost'}); sys.exit(0 if urllib.request.urlopen(req, timeout=5).status == 200 else 1)"

CMD ["bin/web"]
