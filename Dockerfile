# WSP CRM: one image for web, worker and beat (the command chooses; see Procfile and README
# "In productie"). Build: docker build -t wsp-crm . Run web: docker run --env-file .env -p 8000:8000 wsp-crm
# Worker: ... wsp-crm celery -A crm worker   Beat (one): ... wsp-crm celery -A crm beat --schedule=/app/var/celerybeat-schedule
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

# The PostgreSQL client tools for manage.py backup/restore (they must be at least the server's
# major version: bookworm has 15; for a newer server add the PGDG repository or set PG_BIN_DIR).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client libpangoft2-1.0-0 libcairo2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Not root: a system user owning only var/ (the beat schedule; nothing else is written).
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin wsp

WORKDIR /app
# The runtime lock alone, every package checked against its hash (no dev tools in the image).
COPY requirements.txt .
RUN pip install --require-hashes --no-deps -r requirements.txt

COPY . .
# Static files with their hashed names and compressed copies, served by WhiteNoise. The build
# needs settings that load; nothing is connected to.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret-key-for-the-image-build \
    DATABASE_URL=postgres://unused@127.0.0.1:5432/unused \
    python manage.py collectstatic --noinput -v0 \
    && mkdir -p var && chown wsp:wsp var

USER wsp
EXPOSE 8000
# Liveness only (no database): the orchestrator's readiness probe is /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request as u; u.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
