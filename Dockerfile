# Production image of the Castrop-Rauxel portal. Build: docker compose build
# Stage 1: front-end packages from npm (KERN-UX, htmx, Leaflet, uPlot), never from a CDN.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
RUN mkdir -p vendor/kern vendor/htmx vendor/leaflet vendor/uplot \
 && cp -r node_modules/@kern-ux/native/dist/kern.min.css node_modules/@kern-ux/native/dist/fonts node_modules/@kern-ux/native/LICENSE.md vendor/kern/ \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE vendor/htmx/ \
 && cp -r node_modules/leaflet/dist/* node_modules/leaflet/LICENSE vendor/leaflet/ \
 && cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE vendor/uplot/

# Stage 2: the application.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
COPY --from=assets /build/vendor static/vendor
# Translations and static files are built into the image; the dummy key exists only for this step.
RUN DJANGO_DEBUG=false SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    sh -c "python manage.py compilemessages --ignore .venv --ignore node_modules -v 0 && python manage.py collectstatic --noinput -v 0"
RUN useradd --create-home --uid 10001 portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
# Forwarded headers are believed only from FORWARDED_ALLOW_IPS (gunicorn's default: 127.0.0.1).
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
