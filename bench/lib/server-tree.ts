import { spawn } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../../tests/helpers/peers/process.ts';

export type ServerTree = { dir: string; description: string; remove: () => Promise<void> };

/**
 * The code the benchmarks start Druckpunkt from. By default the committed HEAD, exported with
 * `git archive` into a temp dir (node_modules linked back): colleagues edit this checkout while a
 * run goes on, and the figures must belong to the commit the report names. `workingTree`
 * measures the checkout as it is instead; `rev` exports another commit (bench/ab-rounds.ts).
 */
export async function prepareServerTree({ repoDir, workingTree, rev = 'HEAD' }: { repoDir: string; workingTree: boolean; rev?: string }): Promise<ServerTree> {
  if (workingTree) return { dir: repoDir, description: 'the working tree as it was during the run', remove: async () => undefined };
  const temp = await makeTempDir('bench-head');
  try {
    await pipeGitArchive({ repoDir, rev, into: temp.dir });
    await symlink(path.join(repoDir, 'node_modules'), path.join(temp.dir, 'node_modules'), 'dir');
  } catch (error) {
    await temp.remove();
    throw error;
  }
  return { dir: temp.dir, description: rev === 'HEAD' ? 'the committed HEAD (exported with git archive)' : `commit ${rev} (exported with git archive)`, remove: temp.remove };
}

async function pipeGitArchive({ repoDir, rev, into }: { repoDir: string; rev: string; into: string }): Promise<void> {
  const git = spawn('git', ['archive', '--format=tar', rev], { cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
  const tar = spawn('tar', ['-x', '-f', '-', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
  git.stdout.pipe(tar.stdin);
  const stderr: string[] = [];
  git.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  tar.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exit = (child: typeof git | typeof tar) =>
    new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code ?? -1));
    });
  const [gitCode, tarCode] = await Promise.all([exit(git), exit(tar)]);
  if (gitCode !== 0 || tarCode !== 0) throw new Error(`git archive | tar failed (${gitCode}/${tarCode}): ${stderr.join('')}`);
}
