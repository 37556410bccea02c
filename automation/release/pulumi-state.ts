/**
 * The Pulumi stacks' state as a StateStore for backup and restore, over the Automation API
 * (`Stack.exportStack` / `Stack.importStack`) on the same backend the pulumi engine uses.
 */
import { LocalWorkspace, StackNotFoundError, type Deployment } from "@pulumi/pulumi/automation";
import { mapPulumiError, pulumiSetup } from "../engines/pulumi";
import { assertPulumiInstalled, type ProviderMode } from "../engines/pulumi-cli";
import type { StateStore } from "./backup";
import { stackName as layerStack } from "../../stacks/names";

/** Exports and imports `<env>-<layer>` stacks of the project in `projectDir`. */
export function pulumiStateStore(projectDir: string, providers: ProviderMode = "real"): StateStore {
    assertPulumiInstalled(process.env.PATH, projectDir);
    const workspace = pulumiSetup(projectDir, process.env, providers).then((s) => s.workspace);
    workspace.catch(() => undefined);
    return {
        async exportStack(env, layer) {
            const stackName = layerStack(env, layer);
            try {
                const stack = await LocalWorkspace.selectStack({ stackName, workDir: projectDir }, await workspace);
                return await stack.exportStack();
            } catch (err) {
                if (err instanceof StackNotFoundError) return undefined;
                throw mapPulumiError(err, stackName);
            }
        },
        async importStack(env, layer, state) {
            const stackName = layerStack(env, layer);
            try {
                const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: projectDir }, await workspace);
                await stack.importStack(state as Deployment);
            } catch (err) {
                throw mapPulumiError(err, stackName);
            }
        },
    };
}
