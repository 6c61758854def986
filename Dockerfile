# syntax=docker/dockerfile:1
#
# govfeed container image: a static binary on distroless (CA certificates,
# tzdata, a nonroot user, no shell).
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t govfeed .
#   docker run -d -p 8080:8080 -v govfeed-data:/data govfeed
#   docker run -d -p 8080:8080 -v govfeed-data:/data \
#       -v $PWD/govfeed.yaml:/etc/govfeed/govfeed.yaml:ro govfeed
#   docker kill -s HUP <container>     # reload the configuration
#
# Your own file must keep `listen: 0.0.0.0:8080` and `data_dir: /data`.
# A bind mount for /data must be writable by uid 65532.

ARG GO_VERSION=1.26

# The build runs on the build host's platform and cross-compiles: govfeed is
# pure Go (modernc.org/sqlite), so no emulation is needed for other arches.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/govfeed ./cmd/govfeed \
 && mkdir /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/govfeed /govfeed
COPY dist/docker.yaml /etc/govfeed/govfeed.yaml
# A named volume starts as a copy of this directory, owned by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/govfeed", "run"]
CMD ["--config", "/etc/govfeed/govfeed.yaml"]
