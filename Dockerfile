# One image for the worker, the web and the codec server (docker-compose.yml picks the command).
# The TypeScript sources run through tsx (`node --import tsx`: one process, so signals reach the
# app), as in development: no build step to drift from.
FROM node:20.19.5-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
# tsx is a devDependency: install them all, before NODE_ENV=production could make npm skip them.
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN mkdir -p /data && chown node:node /data

ENV NODE_ENV=production \
    DATA_DIR=/data
USER node
CMD ["node", "--import", "tsx", "worker/main.ts"]
