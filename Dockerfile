# Multi-stage: build the virtual environment with the locked dependencies, then copy it into a
# slim runtime that runs as an unprivileged user. Point LRS_DATABASE_URL at your PostgreSQL.
# `lrs serve` applies pending migrations as it starts; to migrate ahead of a rollout (or with
# several replicas starting at once), run `docker run IMAGE lrs db upgrade` first.
FROM python:3.11-slim AS build
WORKDIR /app
RUN python -m venv /venv
COPY requirements.lock ./
RUN /venv/bin/pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
RUN /venv/bin/pip install --no-cache-dir --no-deps -e .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 lrs
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/venv/bin:$PATH LRS_HOST=0.0.0.0 LRS_DATA_DIR=/home/lrs/data
USER lrs
EXPOSE 8000
CMD ["lrs", "serve"]
