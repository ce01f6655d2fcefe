# Multi-stage image for the gateway and the worker (same code, two entry points).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS web
COPY . .
RUN npx vite build --config web/vite.config.ts

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
RUN npm prune --omit=dev --no-audit --no-fund && npm install --no-save --no-audit --no-fund tsx
COPY gateway ./gateway
COPY modules ./modules
COPY legacy-shadow ./legacy-shadow
COPY migrations ./migrations
COPY scripts ./scripts
COPY tsconfig.json ./
COPY --from=web /app/web/dist ./web/dist
USER node
EXPOSE 8080
CMD ["npx", "tsx", "gateway/main.ts"]
