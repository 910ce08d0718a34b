# syntax=docker/dockerfile:1
#
# One image for every PropOps Python process: the six department services and the gateway.
# The process is chosen by the command of each container, e.g.
#   uvicorn --factory frontdesk.app:create_app --host 0.0.0.0 --port 8000
# (see docker-compose.yml and deploy/k8s/). Build with: docker build -t propops:latest .

ARG PYTHON_IMAGE=python:3.11-slim

# ---- build stage: resolve the locked dependencies with uv -------------------------------------
FROM ${PYTHON_IMAGE} AS build

ARG UV_VERSION=0.13.8
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# Third-party dependencies first, in their own layer: it is rebuilt only when the lock changes.
# With --frozen uv installs from uv.lock alone and needs no member pyproject.toml yet.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --all-packages --no-install-workspace

# Then the workspace members (shared/ = propops, services/<name>/, gateway/).
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --all-packages
# The font the fees PDFs embed (as `make sync` does): /app/.tools/fonts/, the default
# PROPOPS_PDF_FONT. Offline it warns, and the PDFs fall back to a font that is not embedded.
RUN python services/fees/fetch_font.py

# ---- runtime stage: the environment and the sources, no uv, no build tools -------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH="/app/.venv/bin:${PATH}" \
    PROPOPS_DATA_DIR=/app/var

RUN groupadd --system --gid 10001 propops \
    && useradd --system --uid 10001 --gid propops --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin propops

WORKDIR /app
COPY --from=build --chown=10001:10001 /app /app
RUN mkdir -p /app/var && chown 10001:10001 /app/var

# Numeric user, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

EXPOSE 8000

# Default process: the gateway. Each service container overrides the command.
CMD ["uvicorn", "--factory", "gateway.app:create_app", "--host", "0.0.0.0", "--port", "8000"]
