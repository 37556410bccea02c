// Lint rules for the project and the policy pack: ESLint's and typescript-eslint's
// recommended sets, without type information so a full run stays fast.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
    { ignores: [".stryker-tmp/", "reports/", "node_modules/", "policies/node_modules/", "policies/bin/", "policies/bin.*/", "dist/", ".infra/", ".pulumi-state/", "scratch/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setImmediate: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly" } },
        rules: {
            // Pulumi and gRPC payloads are untyped at the boundary; `any` is confined there and reviewed.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
);
