# hfss-job-manager service image. Ansys itself is not in the image: mount an installation and point
# HFSS_JM_ANSYSEDT_PATH at its ansysedt, and mount project directories read-only.
# BASE_IMAGE: any Debian-based image with node (>= 20.19) and npm on PATH; CI builds on a local debootstrapped
# base (scripts/ci/container-smoke.sh) because no registry image can be pulled there.
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# better-sqlite3 compiles against the headers shipped with node when they are there (no header download).
RUN if [ -f /usr/local/include/node/node.h ]; then export npm_config_nodedir=/usr/local; fi && npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${BASE_IMAGE}
WORKDIR /app
# Bound to all interfaces inside the container, so a token is required: HFSS_JM_API_TOKEN_FILE (a secret) or HFSS_JM_API_TOKEN.
ENV NODE_ENV=production HFSS_JM_HOST=0.0.0.0 HFSS_JM_PORT=8080 HFSS_JM_DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: SIGTERM reaches node directly, so running solves drain before the container stops.
CMD ["node", "dist/main.js"]
