// orval's configuration for the client `npm run sdk:generate` builds from the committed OpenAPI document
// (gitignored output, compiled by `tsc -p tsconfig.check.json` in `npm test`).
export default {
  hfssJobManager: {
    input: { target: './openapi/openapi.json' },
    output: { target: './test/sdk/generated/orval/api.ts', client: 'fetch', mode: 'single', clean: true },
  },
};
