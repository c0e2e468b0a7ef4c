# wp-strangler's Python components (proxy, CDC, extracted services, CLI) for docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cdc ./cdc
COPY extracted ./extracted
COPY proxy ./proxy
COPY cli ./cli
COPY wordpress ./wordpress
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
CMD ["strangler", "--help"]
