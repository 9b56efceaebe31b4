# syntax=docker/dockerfile:1
# hpc-obs-server and hpc-obs-mockserver in a container, for trying the service out or running it
# next to PostgreSQL (see compose.yaml). On cluster nodes install the .deb instead: the hooks and
# the node collector belong on the hosts, not in a container.
#
#   docker build -t hpc-obs .
#   docker run -p 8080:8080 hpc-obs --seed-demo

# The project builds with Swift 6.2+ (swift-tools-version 6.2).
FROM swift:6.2-bookworm AS build
# The C libraries the system-library targets wrap (as packaging/install-build-deps installs).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libsqlite3-dev libpq-dev zlib1g-dev libslurm-dev libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The Swift runtime and Foundation are linked in statically, so the runtime image needs only the
# C libraries. .build lives in a cache mount to keep rebuilds incremental, so the binaries are
# copied out of it within the same step.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --static-swift-stdlib --product hpc-obs-server \
    && swift build -c release --static-swift-stdlib --product hpc-obs-mockserver \
    && mkdir -p /out \
    && bin="$(swift build -c release --show-bin-path)" \
    && cp "$bin/hpc-obs-server" "$bin/hpc-obs-mockserver" /out/

FROM debian:bookworm-slim
# Runtime halves of the build's -dev packages; libslurm38 is bookworm's libslurm (Slurm 22.05).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-0 libpq5 libslurm38 libcurl4 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /var/lib/hpc-obs --shell /usr/sbin/nologin hpc-obs \
    && install -d -o hpc-obs -g hpc-obs /var/lib/hpc-obs
COPY --from=build /out/hpc-obs-server /out/hpc-obs-mockserver /usr/bin/
# Where hpc-obs-mockserver looks for the spec when there is no ./openapi.yaml, as in the .deb.
COPY openapi.yaml /usr/share/hpc-obs/openapi.yaml

# SQLite in the volume by default; compose.yaml switches to PostgreSQL. There is no slurmctld in
# the container, so the poller is off: job events come through the API (or --seed-demo).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=/var/lib/hpc-obs/jobs.db \
    SLURM_POLL_INTERVAL=0
VOLUME /var/lib/hpc-obs
WORKDIR /var/lib/hpc-obs
USER hpc-obs
EXPOSE 8080
ENTRYPOINT ["hpc-obs-server"]
