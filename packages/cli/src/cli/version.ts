import packageJson from "../../package.json" with { type: "json" };

/** The CLI package's version, as `mesh --version` prints it (bundled into the Node build). */
export const CLI_VERSION: string = packageJson.version;
