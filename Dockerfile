# The bot as one image: `python -m bot` applies the migrations and then long-polls Telegram, or
# serves a webhook on port 8080 when WEBHOOK_URL is set. Settings come from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Dependencies first, so that a change of code does not reinstall them. The project itself runs
# from /app (it finds content/, locales/ and the migrations beside its code), so only what it
# depends on is installed.
COPY pyproject.toml README.md ./
RUN mkdir bot handlers models domain services \
    && pip install --quiet . \
    && pip uninstall --quiet --yes mentoring-bot \
    && rm -r bot handlers models domain services

COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY domain ./domain
COPY services ./services
COPY content ./content
COPY locales ./locales
RUN useradd --system --home /app bot \
    && mkdir -p /app/data && chown bot /app/data

USER bot
EXPOSE 8080
# The webhook's health check; in long-polling mode nothing listens and the check is not used.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0) if not os.environ.get('WEBHOOK_URL') else urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["python", "-m", "bot"]
