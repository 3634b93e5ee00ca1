# lambdrift in a container: built in a Debian 12 build stage, run from debian:12-slim as a
# non-root user with only the runtime libraries (package names of Debian 12 bookworm).
#   docker build -t lambdrift .
#   docker run --rm -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
#       -e AWS_SESSION_TOKEN -v "$PWD:/work" lambdrift scan --format json -o /work/r.json
# Not built in this project's CI (no container engine there); the steps are those of
# scripts/setup.sh and `cmake --install`.
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        cmake gcc make pkg-config libc6-dev libgit2-dev libcurl4-openssl-dev libcjson-dev \
        libssl-dev zlib1g-dev libdeflate-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DLD_WERROR=OFF \
        -DCMAKE_INSTALL_PREFIX=/usr \
    && cmake --build /build -j"$(nproc)" --target lambdrift \
    && DESTDIR=/install cmake --install /build

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        ca-certificates libgit2-1.5 libcurl4 libcjson1 libssl3 zlib1g libdeflate0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --create-home --home-dir /home/lambdrift lambdrift
COPY --from=build /install/usr/bin/lambdrift /usr/bin/lambdrift
USER 10001:10001
WORKDIR /home/lambdrift
ENTRYPOINT ["/usr/bin/lambdrift"]
CMD ["--help"]
