/**
 * The part of S3's SDK that request paths use, loaded at first use by `s3Sdk()` (clients.ts). Named
 * exports, not the whole module: esbuild keeps only these commands in the chunk a request loads, where
 * `import('@aws-sdk/client-s3')` would keep all of them. A command not listed here is added here.
 */
export {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
