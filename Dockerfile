# One image for the worker, the web and the codec server (docker-compose.yml picks the command).
# Two builds are made here from the sources copied below, as `npm start` makes them: the worker's
# workflow bundle, which it loads instead of running webpack at start and refuses should it not
# match those sources, and the apps compiled to JavaScript, which node runs without tsx's loader
# thread (docs/performance.md). tsx stays for the build scripts and `npm run ops`.
FROM node:20.19.5-bookworm-slim

# espeak-ng speaks the security code (web/captcha/audio.ts), as Debian's package on the machines.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# .dsfr.yml accepts the DSFR's terms of use: without it, @gouvfr/dsfr's preinstall fails npm ci.
COPY package.json package-lock.json .dsfr.yml ./
# tsx is a devDependency: install them all, before NODE_ENV=production could make npm skip them.
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Outside /data: the volume mounted there would hide it.
RUN npm run build:workflows -- dist/workflow-bundle.js
RUN npm run build:apps -- dist/js
RUN mkdir -p /data && chown node:node /data

# MALLOC_ARENA_MAX and the worker's node flag: worker/process-settings.ts (its memory); source maps:
# dev/stack/compiled.ts.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
CMD ["node", "--max-semi-space-size=4", "--enable-source-maps", "dist/js/worker/main.js"]
