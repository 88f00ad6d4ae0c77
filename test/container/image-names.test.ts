/**
 * How the local build names the images our Dockerfiles start from: each has one literal FROM, the
 * base that debootstrap stands in for, under the name a short FROM resolves to; the Node stage stays
 * an ARG whose default is the official image AWS builds with.
 */
import { readFileSync } from 'node:fs';
import { baseImageOf, qualifiedImageName } from '../../packaging/images/buildah';
import { classifyDockerfilePath } from '../../packaging/images/classify-image';
import { workerDockerfile } from '../../packaging/images/worker-image';

it.each([
  ['container/Dockerfile', workerDockerfile, 'node'],
  ['container/Dockerfile.classify', classifyDockerfilePath, 'ric'],
])("%s's base is debian:bullseye-slim and its Node stage defaults to the official Node image", (_name, file, stage) => {
  const dockerfile = readFileSync(file, 'utf8');
  expect(baseImageOf(dockerfile)).toBe('debian:bullseye-slim');
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bullseye-slim$/m);
  expect(dockerfile).toMatch(new RegExp(`^FROM \\$\\{NODE_IMAGE\\} AS ${stage}$`, 'm'));
});

it('a Dockerfile with no literal FROM, or two different ones, is refused rather than guessed', () => {
  expect(() => baseImageOf('ARG X=a\nFROM ${X}\n')).toThrow(/expected one FROM with a literal image.*found: none/);
  expect(() => baseImageOf('FROM debian:bullseye-slim AS a\nFROM --platform=linux/amd64 ubuntu:22.04\n')).toThrow(
    /found: debian:bullseye-slim, ubuntu:22.04/,
  );
  expect(baseImageOf('FROM debian:bullseye-slim AS a\nFROM debian:bullseye-slim\n')).toBe('debian:bullseye-slim');
});

it.each([
  ['debian:bullseye-slim', 'docker.io/library/debian:bullseye-slim'],
  ['amazon/aws-cli:2', 'docker.io/amazon/aws-cli:2'],
  ['nvcr.io/nvidia/caffe:20.03-py3', 'nvcr.io/nvidia/caffe:20.03-py3'],
  ['localhost/elastic-caffe-node:v20', 'localhost/elastic-caffe-node:v20'],
  ['registry:5000/x/y', 'registry:5000/x/y'],
])('%s resolves to %s', (short, qualified) => {
  expect(qualifiedImageName(short)).toBe(qualified);
});
