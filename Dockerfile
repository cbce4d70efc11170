# syntax=docker/dockerfile:1
# chimera-core's image: the dependencies are installed in a stage of their own, and the runtime
# stage holds only what `npm start` and `npm run migrate` read. There is no build step: the
# service runs its TypeScript source through tsx, a runtime dependency. test/deployment.test.ts
# builds this file's stages in a scratch directory (the COPY lines, the RUN lines, the CMD and the
# HEALTHCHECK) and serves from it, since CI has no docker engine.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: npm ci refuses this lock file where dbmate's packages for other
# platforms are not served. The lock file still pins every version.
RUN npm install --no-audit --no-fund --omit=dev

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# Owned by root and only readable by the service's user: the running service cannot change its code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY db/migrations ./db/migrations
COPY scripts/migrate.ts scripts/healthcheck.mjs ./scripts/
ENV PORT=8080
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# grpc.health.v1.Health/Check over Connect JSON: SERVING only while the database answers, the
# schema is current and the process is not draining.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
# npm start execs node with package.json's config.nodeFlags, so SIGTERM reaches the service.
CMD ["npm", "start"]
