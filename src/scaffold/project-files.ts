// The small files of a new service project: package.json, tsconfig, ignore files.
import { ownPackage, rangeOf } from "../own-package.js";

export interface ProjectOptions {
  name: string;
  pkg?: string;
  /** The praisonai-svc dependency: a version range, or `file:` a vendored tarball. */
  praisonaiSvc: string;
}

/**
 * package.json: "type": "module" is required (tsx loads handlers.ts as ESM only then); Azurite is a
 * dev dependency because only local mode (`praisonai-svc run`) needs it.
 */
export function packageJson({ name, pkg, praisonaiSvc }: ProjectOptions): string {
  const own = ownPackage();
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    description: `${name}: a job service built with praisonai-svc`,
    engines: { node: own.engines?.node ?? ">=20.10" },
    scripts: {
      start: "praisonai-svc run",
      test: "node --import tsx --test test/*.test.ts",
      deploy: "praisonai-svc deploy azure",
      logs: "praisonai-svc logs",
    },
    dependencies: {
      "praisonai-svc": praisonaiSvc,
      zod: rangeOf("zod"),
      ...(pkg ? { [pkg]: "latest" } : {}),
    },
    devDependencies: {
      azurite: rangeOf("azurite"),
      tsx: rangeOf("tsx"),
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** For editors only: tsx runs handlers.ts as it is, and `praisonai-svc build` (esbuild) compiles it for the image. */
export function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2023",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
    },
    include: ["handlers.ts", "test"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function gitignore(): string {
  return ["node_modules", "dist", ".praisonai-svc", ".env", "*.log", ".venv", "__pycache__", ""].join("\n");
}
