# The mesh broker image (operators: DEPLOY.md#container-image).
#   docker build --build-arg GIT_SHA=$(git rev-parse --short HEAD) -t mesh-broker .
# The copy lists below are tooling/image/runtime-files.ts spelled out;
# apps/broker/test/image/image.test.ts fails when the two differ.

# The Bun the runtime stage runs: exactly the one every test ran on (the `bun`
# entry of pnpm-workspace.yaml's catalog). Written here only; image.test.ts
# fails when the two disagree, so bump both together.
ARG BUN_VERSION=1.4.5

# Only the files pnpm reads (manifests, lockfile, dependency patches), so the
# install layer below is rebuilt only when one changes, and new workspace
# packages need no edit here.
FROM node:22-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name pnpm-workspace.yaml ! -name pnpm-lock.yaml ! -name "*.patch" -delete

# Production dependencies of the broker and the workspace packages it imports,
# then the whole workspace. No install scripts. No optional dependencies: in
# this closure they are embedded-postgres's native binaries (production
# requires DATABASE_URL, so the image never starts an embedded Postgres),
# type declarations and pg's Cloudflare adapter, none loaded at run time.
# Development tools (bun, drizzle-kit, TypeScript, Biome) are dev dependencies.
FROM node:22-slim AS deps
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY --from=manifests /app/ ./
RUN pnpm install --frozen-lockfile --ignore-scripts --prod --no-optional --filter "@mesh/broker..."
COPY . .

# The base image's Bun runs the TypeScript directly; no build step.
FROM oven/bun:${BUN_VERSION}-slim AS runtime
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/apps/broker ./apps/broker
COPY --from=deps /app/packages/db ./packages/db
COPY --from=deps /app/packages/shared ./packages/shared
COPY --from=deps /app/tooling/typescript ./tooling/typescript
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/pnpm-workspace.yaml ./pnpm-workspace.yaml
COPY --from=deps /app/pnpm-lock.yaml ./pnpm-lock.yaml
COPY --from=deps /app/tsconfig.json ./tsconfig.json

ENV NODE_ENV=production BROKER_PORT=7900
ARG GIT_SHA
ENV GIT_SHA=$GIT_SHA

# The image's own unprivileged user (UID 1000); the files stay root-owned, read-only to it.
USER bun
EXPOSE 7900
# 127.0.0.1 rather than localhost: the broker listens on IPv4 0.0.0.0 by default,
# and localhost may resolve to ::1 first.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.BROKER_PORT || 7900) + '/health', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# No entrypoint script: bun is PID 1 and receives SIGTERM itself.
ENTRYPOINT []
CMD ["bun", "apps/broker/src/index.ts"]
