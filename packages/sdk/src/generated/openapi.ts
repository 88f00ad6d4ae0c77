/**
 * Types of every path, operation and schema of the Elastic Caffe API (openapi-typescript).
 * Generated from docs/api/openapi.json by `npm run docs:openapi` (scripts/gen-sdk-types.ts): do not edit.
 */
export interface paths {
    "/v1/datafiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your datafiles, newest first */
        get: operations["GetDatafiles"];
        put?: never;
        /** Register a datafile and get a presigned upload, or import one from a URL */
        post: operations["PostDatafiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datafiles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one datafile */
        get: operations["GetDatafilesId"];
        put?: never;
        post?: never;
        /** Delete a datafile and its object (409 while a dataset uses it or it is processing) */
        delete: operations["DeleteDatafilesId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datafiles/{id}/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Resume a multipart upload: fresh URLs for the parts not yet uploaded */
        get: operations["GetDatafilesIdUpload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datafiles/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Finish a multipart upload once every part is uploaded */
        post: operations["PostDatafilesIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your datasets, newest first */
        get: operations["GetDatasets"];
        put?: never;
        /** Build a training/testing dataset from datafiles */
        post: operations["PostDatasets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one dataset */
        get: operations["GetDatasetsId"];
        put?: never;
        post?: never;
        /** Delete a dataset and its LMDBs (409 while a solver or job uses it) */
        delete: operations["DeleteDatasetsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}/mean": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a split's mean image (the one a net's mean_file reads is the training split's) */
        get: operations["GetDatasetsIdMean"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/datasets/{id}/samples": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sample images of each class (thumbnails, presigned), with the per-class counts */
        get: operations["GetDatasetsIdSamples"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/solvers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your solvers, newest first */
        get: operations["GetSolvers"];
        put?: never;
        /** Store a solver and net (Caffe prototxt) */
        post: operations["PostSolvers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/solvers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one solver */
        get: operations["GetSolversId"];
        put?: never;
        post?: never;
        /** Delete a solver (409 while a training job uses it) */
        delete: operations["DeleteSolversId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your training-jobs, newest first */
        get: operations["GetTrainingJobs"];
        put?: never;
        /** Queue a training job */
        post: operations["PostTrainingJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one training job */
        get: operations["GetTrainingJobsId"];
        put?: never;
        post?: never;
        /** Delete a finished job and its artifacts */
        delete: operations["DeleteTrainingJobsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's Caffe log, a byte range at a time (long polling with ?wait=) */
        get: operations["GetTrainingJobsIdLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Train loss and test outputs over iterations, from the log */
        get: operations["GetTrainingJobsIdMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Presigned downloads of the model and snapshots */
        get: operations["GetTrainingJobsIdArtifacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/training-jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a queued or running job */
        post: operations["PostTrainingJobsIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classifiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your classifiers, newest first */
        get: operations["GetClassifiers"];
        put?: never;
        /** Make a classifier from a training job's weights or a model */
        post: operations["PostClassifiers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classifiers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one classifier */
        get: operations["GetClassifiersId"];
        put?: never;
        post?: never;
        /** Delete a classifier (the training job and its model stay) */
        delete: operations["DeleteClassifiersId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classifiers/{id}/classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Classify up to 16 images (JSON base64, or multipart files) with real Caffe */
        post: operations["PostClassifiersIdClassify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classifiers/{id}/classify-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Classify many images in the background: an uploaded archive of images and/or image URLs */
        post: operations["PostClassifiersIdClassifyJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classify-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your classify-jobs, newest first */
        get: operations["GetClassifyJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classify-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one classify job */
        get: operations["GetClassifyJobsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/classify-jobs/{id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A presigned download of a finished job's results JSON (`{classifierId, results: [{image, top} | {image, error}]}`) */
        get: operations["GetClassifyJobsIdResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your models, newest first */
        get: operations["GetModels"];
        put?: never;
        /** Register a model: upload its .caffemodel, import it from a URL, or publish a training job's weights */
        post: operations["PostModels"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one model */
        get: operations["GetModelsId"];
        put?: never;
        post?: never;
        /** Delete a model and its own weights (a published model's stay with their training job) */
        delete: operations["DeleteModelsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{id}/upload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Resume a multipart upload: fresh URLs for the parts not yet uploaded */
        get: operations["GetModelsIdUpload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Finish a multipart upload once every part is uploaded */
        post: operations["PostModelsIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/capacity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How much work may run at once (admin) */
        get: operations["GetAdminCapacity"];
        /** Change how much work may run at once (admin): raising starts waiting jobs within seconds; lowering stops no running job */
        put: operations["PutAdminCapacity"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What runs and what waits for a worker, per tenant (admin): the scheduler's slots and waiting work */
        get: operations["GetAdminQueue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What each tenant may upload, import and keep (admin): the default, and per-tenant overrides */
        get: operations["GetAdminLimits"];
        /** Change what each tenant may upload, import and keep (admin): datafile size (413), archive entries and expansion, queued jobs and storage (429); applies to each tenant's next request and job */
        put: operations["PutAdminLimits"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{tenantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a whole tenant (admin): stops its running jobs, then deletes every object and record it has. Idempotent; disable the tenant's sign-in first */
        delete: operations["DeleteAdminTenantsTenantId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your sweeps, newest first */
        get: operations["GetSweeps"];
        put?: never;
        /** Start a hyperparameter sweep over a solver (grid, random or ASHA); its trials' jobs train at once */
        post: operations["PostSweeps"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one sweep */
        get: operations["GetSweepsId"];
        put?: never;
        post?: never;
        /** Delete a finished sweep with its trials' jobs and derived solvers */
        delete: operations["DeleteSweepsId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/trials/{trialId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one trial of a sweep: its jobs and its curve across them */
        get: operations["GetSweepsIdTrialsTrialId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sweeps/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a running sweep and every trial's queued or running job */
        post: operations["PostSweepsIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as an OpenAPI 3.1 document */
        get: operations["GetOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            errors?: {
                field: string;
                message: string;
                line?: number;
                column?: number;
            }[];
        };
        CreatedDatafile: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            format: "image-folders" | "idx" | "lmdb" | "leveldb";
            /** @enum {string} */
            status: "awaiting-upload" | "processing" | "ready" | "failed";
            sizeBytes?: number;
            /** @description the URL an imported datafile was fetched from */
            sourceUrl?: string;
            /** @description part size of its multipart upload */
            partSizeBytes?: number;
            /** @description the format the inspection found */
            detectedFormat?: string;
            /** @description label folders (or label values) the inspection found */
            labels?: string[];
            /** @description images per label */
            counts?: {
                [key: string]: number;
            };
            /** @description entries in the archive */
            entries?: number;
            attempts?: number;
            /**
             * Format: date-time
             * @description when the import or inspection ended
             */
            finishedAt?: string;
            error?: string;
            upload?: {
                /** Format: uri */
                url: string;
                /** @constant */
                method: "PUT";
                headers: {
                    [key: string]: string;
                };
            } | components["schemas"]["MultipartUpload"];
        };
        MultipartUpload: {
            /** @constant */
            method: "multipart";
            partSizeBytes: number;
            partCount: number;
            /** @description parts not yet uploaded (at most 1000: ask GET …/upload again for more) */
            parts: {
                partNumber: number;
                /** Format: uri */
                url: string;
            }[];
            uploadedParts: number[];
            completeUrl: string;
        };
        Datafile: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            format: "image-folders" | "idx" | "lmdb" | "leveldb";
            /** @enum {string} */
            status: "awaiting-upload" | "processing" | "ready" | "failed";
            sizeBytes?: number;
            /** @description the URL an imported datafile was fetched from */
            sourceUrl?: string;
            /** @description part size of its multipart upload */
            partSizeBytes?: number;
            /** @description the format the inspection found */
            detectedFormat?: string;
            /** @description label folders (or label values) the inspection found */
            labels?: string[];
            /** @description images per label */
            counts?: {
                [key: string]: number;
            };
            /** @description entries in the archive */
            entries?: number;
            attempts?: number;
            /**
             * Format: date-time
             * @description when the import or inspection ended
             */
            finishedAt?: string;
            error?: string;
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        DatafilesPage: {
            items: components["schemas"]["Datafile"][];
            nextCursor: string | null;
        };
        Dataset: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            status: "pending" | "processing" | "ready" | "failed";
            training: {
                datafileId: string;
                splitPercentage: number;
            };
            testing: {
                datafileId: string;
                splitPercentage: number;
            };
            transform?: {
                grayscale?: boolean;
                width?: number;
                height?: number;
                /** @constant */
                resizeMode?: "stretch";
                shuffle?: boolean;
                seed?: number;
            };
            /**
             * @description the datafiles' format
             * @enum {string}
             */
            format?: "image-folders" | "idx" | "lmdb" | "leveldb";
            /** @description the seed the split and shuffle used */
            seed?: number;
            /** @description what the stored images are, so classification applies exactly what training saw */
            preprocessing?: {
                channels: number;
                height: number;
                width: number;
                grayscale: boolean;
                /** @enum {string} */
                resizeMode: "stretch" | "none";
                /** @description a mean image of the training LMDB is stored with the dataset */
                meanFile: boolean;
            };
            /** @description folder names in label-index order */
            labels?: string[];
            counts?: {
                training: {
                    [key: string]: number;
                };
                testing: {
                    [key: string]: number;
                };
            };
            /** @description the request asked for the testing split's mean image too */
            testingMean?: boolean;
            /** @description each split's mean per channel (B, G, R for colour; one for grey), 0–255; images: GET /v1/datasets/{id}/mean */
            mean?: {
                training: number[];
                testing?: number[];
            };
            shape?: {
                channels: number;
                height: number;
                width: number;
            };
            attempts: number;
            /**
             * Format: date-time
             * @description when preparation ended
             */
            finishedAt?: string;
            error?: string;
            usage?: components["schemas"]["Usage"];
        };
        Usage: {
            attempts: {
                batchJobId: string;
                attempt: number;
                /** Format: date-time */
                startedAt: string;
                /** Format: date-time */
                stoppedAt: string;
                runningSeconds: number;
                /** @description what the attempt asked Batch for */
                vcpus: number;
                gpus: number;
                memoryMiB?: number;
            }[];
            /** @description the attempts' running seconds, each rounded up (time queued is free) */
            billableSeconds: number;
            /** @description each attempt's share of the cheapest priced instance type that fits it, at the stack's price table (absent without one, as in the local cloud) */
            estimatedCost?: {
                amount: number;
                /** @constant */
                currency: "USD";
                /** @enum {string} */
                market: "spot" | "onDemand";
                pricesTakenOn: string;
            };
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        DatasetsPage: {
            items: components["schemas"]["Dataset"][];
            nextCursor: string | null;
        };
        DatasetMean: {
            /** @enum {string} */
            split: "training" | "testing";
            /**
             * Format: uri
             * @description a presigned download of the mean image: Caffe's BlobProto (1 x channels x height x width floats)
             */
            url: string;
            bytes: number;
            shape: {
                channels: number;
                height: number;
                width: number;
            };
            /** @description its mean per channel (B, G, R for colour), 0–255 */
            mean?: number[];
        };
        /** @description each class of the dataset with thumbnails (longest side at most 96 px) of training images; samples are empty for datasets built before thumbnails existed and for lmdb/leveldb datafiles */
        DatasetSamples: {
            classes: {
                label: string;
                /** @description the label index the nets train on */
                index: number;
                /** @description images of this class in the training split */
                count: number;
                samples: {
                    /**
                     * Format: uri
                     * @description a presigned download of a PNG thumbnail, valid 15 minutes
                     */
                    url: string;
                    width: number;
                    height: number;
                }[];
            }[];
        };
        Solver: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            datasetId: string;
            /** @description solver prototxt as submitted */
            solver: string;
            /** @description net prototxt as submitted */
            net: string;
            solverType: string;
            maxIterations: number;
            /**
             * @description pending while an imported solver is fetched and checked
             * @enum {string}
             */
            status?: "pending" | "ready" | "failed";
            source?: {
                solverUrl: string;
                netUrl: string;
            };
            attempts?: number;
            /** Format: date-time */
            finishedAt?: string;
            error?: string;
            errors?: {
                field: string;
                message: string;
                line?: number;
                column?: number;
            }[];
            /** @description what trains but may not be meant, found against the dataset (e.g. more outputs than it has labels) */
            warnings?: {
                field: string;
                message: string;
                line?: number;
                column?: number;
            }[];
            /** @description the sweep whose trial point this solver is (deleted with it) */
            sweepId?: string;
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        SolversPage: {
            items: components["schemas"]["Solver"][];
            nextCursor: string | null;
        };
        TrainingJob: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            solverId: string;
            datasetId: string;
            /** @enum {string} */
            status: "queued" | "starting" | "running" | "succeeded" | "failed" | "cancelled";
            attempts: number;
            progress: {
                iteration: number;
                maxIterations: number;
                loss?: number;
                learningRate?: number;
                iterationsPerSecond?: number;
                etaSeconds?: number;
                testOutputs: {
                    [key: string]: number;
                };
            };
            /** Format: date-time */
            startedAt?: string;
            /** Format: date-time */
            finishedAt?: string;
            /** Format: date-time */
            cancelledAt?: string;
            model?: {
                iteration: number;
                bytes: number;
            };
            error?: string;
            resources?: {
                /** @enum {string} */
                type: "GPU" | "CPU";
                /** @enum {number} */
                count?: 2 | 4 | 8;
            };
            maxRuntimeSeconds?: number;
            weightsFrom?: {
                trainingJobId: string;
                iteration: number;
            } | {
                modelId: string;
            };
            resumeFrom?: {
                trainingJobId: string;
                iteration: number;
            };
            /** @description attempts that resumed from the job's own newest snapshot after an interruption (spot reclaim, a killed or crashed worker), oldest first */
            resumes?: {
                /** @description the job's own snapshot the attempt continued from */
                iteration: number;
                /** @description Batch's attempt number (1 when the work was submitted again rather than retried) */
                attempt: number;
                /** Format: date-time */
                at: string;
            }[];
            usage?: components["schemas"]["Usage"];
            /** @description the sweep whose trial this job trains */
            sweepId?: string;
            /** @description the trial (within the sweep) this job is one rung of */
            trialId?: string;
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        TrainingJobsPage: {
            items: components["schemas"]["TrainingJob"][];
            nextCursor: string | null;
        };
        /** @description NaN losses (a diverged net) are null */
        TrainingJobMetrics: {
            train: {
                iteration: number;
                loss: number | null;
                learningRate?: number;
                /** Format: date-time */
                at?: string;
            }[];
            test: {
                iteration: number;
                outputs: {
                    [key: string]: number | null;
                };
                /** Format: date-time */
                at?: string;
            }[];
        };
        TrainingJobArtifacts: {
            model: {
                /** Format: uri */
                url: string;
                bytes: number;
                iteration: number;
            } | null;
            bundle: {
                /** Format: uri */
                url: string;
                bytes: number;
            } | null;
            snapshots: {
                iteration: number;
                model?: {
                    /** Format: uri */
                    url: string;
                    bytes: number;
                };
                solverState?: {
                    /** Format: uri */
                    url: string;
                    bytes: number;
                };
            }[];
        };
        Classifier: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description the training job whose weights it runs */
            trainingJobId?: string;
            datasetId?: string;
            /** @description the model it was made from */
            modelId?: string;
            iteration?: number;
            deploy: string;
            input: string;
            output: string;
            /** @description the layer the answer comes from (the last SoftmaxWithLoss unless the request named one) */
            head?: string;
            /** @description class names in output order; empty: answers name class indices */
            labels: string[];
            preprocessing: {
                channels: number;
                height: number;
                width: number;
                /** @enum {string} */
                channelOrder: "BGR" | "GRAY";
                cropSize?: number;
                mean?: number[];
                /**
                 * @description the dataset's mean image (in the model bundle), subtracted pixel by pixel before crop and scale
                 * @constant
                 */
                meanFile?: "mean.binaryproto";
                scale: number;
            };
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        ClassifiersPage: {
            items: components["schemas"]["Classifier"][];
            nextCursor: string | null;
        };
        /** @description the top labels per image, most probable first */
        ClassifyResult: {
            results: {
                image: number | string;
                top: {
                    label: string;
                    probability: number;
                }[];
            }[];
        };
        CreatedClassifyJob: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            classifierId: string;
            /** @enum {string} */
            status: "awaiting-upload" | "queued" | "starting" | "running" | "succeeded" | "failed";
            urls: string[];
            archive: boolean;
            topK: number;
            /** @description counts once the job succeeded; GET …/results for the labels */
            results?: {
                images: number;
                classified: number;
                failed: number;
                bytes: number;
            };
            attempts: number;
            /** Format: date-time */
            finishedAt?: string;
            error?: string;
            usage?: components["schemas"]["Usage"];
            upload?: {
                /** Format: uri */
                url: string;
                /** @constant */
                method: "PUT";
                headers: {
                    [key: string]: string;
                };
            };
        };
        ClassifyJob: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            classifierId: string;
            /** @enum {string} */
            status: "awaiting-upload" | "queued" | "starting" | "running" | "succeeded" | "failed";
            urls: string[];
            archive: boolean;
            topK: number;
            /** @description counts once the job succeeded; GET …/results for the labels */
            results?: {
                images: number;
                classified: number;
                failed: number;
                bytes: number;
            };
            attempts: number;
            /** Format: date-time */
            finishedAt?: string;
            error?: string;
            usage?: components["schemas"]["Usage"];
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        ClassifyJobsPage: {
            items: components["schemas"]["ClassifyJob"][];
            nextCursor: string | null;
        };
        CreatedModel: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            status: "awaiting-upload" | "checking" | "ready" | "failed";
            /**
             * @description uploaded, imported from a URL, or published from a training job
             * @enum {string}
             */
            source: "upload" | "url" | "training-job";
            sizeBytes?: number;
            /** @description the URL an imported model was fetched from */
            sourceUrl?: string;
            /** @description part size of its multipart upload */
            partSizeBytes?: number;
            /** @description the deploy net the weights load into */
            deploy?: string;
            /** @description the deploy net's input blob */
            input?: string;
            /** @description the deploy net's class-probability blob */
            output?: string;
            /** @description the layer of the training net a derived deploy net answers from */
            head?: string;
            labels?: string[];
            preprocessing?: {
                channels: number;
                height: number;
                width: number;
                /** @enum {string} */
                channelOrder: "BGR" | "GRAY";
                cropSize?: number;
                mean?: number[];
                /**
                 * @description the training dataset's mean image
                 * @constant
                 */
                meanFile?: "mean.binaryproto";
                scale: number;
            };
            /** @description the training job, solver and dataset a published model came from */
            lineage?: {
                trainingJobId: string;
                iteration: number;
                solverId: string;
                datasetId: string;
            };
            attempts?: number;
            /** @description why the check failed: Caffe's own message */
            error?: string;
            usage?: components["schemas"]["Usage"];
            upload?: {
                /** Format: uri */
                url: string;
                /** @constant */
                method: "PUT";
                headers: {
                    [key: string]: string;
                };
            } | components["schemas"]["MultipartUpload"];
        };
        Model: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @enum {string} */
            status: "awaiting-upload" | "checking" | "ready" | "failed";
            /**
             * @description uploaded, imported from a URL, or published from a training job
             * @enum {string}
             */
            source: "upload" | "url" | "training-job";
            sizeBytes?: number;
            /** @description the URL an imported model was fetched from */
            sourceUrl?: string;
            /** @description part size of its multipart upload */
            partSizeBytes?: number;
            /** @description the deploy net the weights load into */
            deploy?: string;
            /** @description the deploy net's input blob */
            input?: string;
            /** @description the deploy net's class-probability blob */
            output?: string;
            /** @description the layer of the training net a derived deploy net answers from */
            head?: string;
            labels?: string[];
            preprocessing?: {
                channels: number;
                height: number;
                width: number;
                /** @enum {string} */
                channelOrder: "BGR" | "GRAY";
                cropSize?: number;
                mean?: number[];
                /**
                 * @description the training dataset's mean image
                 * @constant
                 */
                meanFile?: "mean.binaryproto";
                scale: number;
            };
            /** @description the training job, solver and dataset a published model came from */
            lineage?: {
                trainingJobId: string;
                iteration: number;
                solverId: string;
                datasetId: string;
            };
            attempts?: number;
            /** @description why the check failed: Caffe's own message */
            error?: string;
            usage?: components["schemas"]["Usage"];
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        ModelsPage: {
            items: components["schemas"]["Model"][];
            nextCursor: string | null;
        };
        Capacity: {
            /** @description Batch jobs (of every kind of work) running at once, all tenants together */
            maxWorkers: number;
            maxConcurrentJobs: {
                /** @description a tenant's Batch jobs running at once, unless overridden */
                default: number;
                /**
                 * @description per-tenant overrides of the default
                 * @default {}
                 */
                tenants: {
                    [key: string]: number;
                };
            };
            /** @enum {string} */
            source: "defaults" | "admin";
            /** Format: date-time */
            updatedAt?: string;
        };
        /** @description how much work may run at once; jobs beyond it wait in the queue */
        CapacitySettings: {
            /** @description Batch jobs (of every kind of work) running at once, all tenants together */
            maxWorkers: number;
            maxConcurrentJobs: {
                /** @description a tenant's Batch jobs running at once, unless overridden */
                default: number;
                /**
                 * @description per-tenant overrides of the default
                 * @default {}
                 */
                tenants: {
                    [key: string]: number;
                };
            };
        };
        /** @description every kind of work (datafile imports, dataset builds, training and classify jobs) that holds or waits for a worker slot */
        Queue: {
            tenants: {
                tenantId: string;
                /** @description Batch jobs holding a worker slot (starting or running) */
                running: number;
                /** @description work queued for a worker slot */
                waiting: number;
            }[];
            totals: {
                running: number;
                waiting: number;
            };
            /** @description tenants with running or waiting work; more than listed when capped */
            tenantCount: number;
        };
        Limits: {
            /** @description every tenant's limits unless overridden */
            default: components["schemas"]["TenantLimits"];
            /**
             * @description per-tenant overrides of some or all of the default fields
             * @default {}
             */
            tenants: {
                [key: string]: {
                    /** @description largest datafile the tenant may upload or import, bytes (413 above it) */
                    maxDatafileBytes?: number;
                    /** @description entries (files and folders) one of the tenant's archives may hold (the datafile fails naming the limit) */
                    maxArchiveEntries?: number;
                    /** @description bytes one of the tenant's archives may expand to (the datafile fails naming the limit) */
                    maxUncompressedBytes?: number;
                    /** @description training jobs the tenant may have waiting at once (429 beyond) */
                    maxQueuedJobs?: number;
                    /** @description bytes the tenant's datafiles may take in all (429 beyond) */
                    maxStorageBytes?: number;
                };
            };
            /** @enum {string} */
            source: "defaults" | "admin";
            /** Format: date-time */
            updatedAt?: string;
        };
        TenantLimits: {
            /** @description largest datafile the tenant may upload or import, bytes (413 above it) */
            maxDatafileBytes: number;
            /** @description entries (files and folders) one of the tenant's archives may hold (the datafile fails naming the limit) */
            maxArchiveEntries: number;
            /** @description bytes one of the tenant's archives may expand to (the datafile fails naming the limit) */
            maxUncompressedBytes: number;
            /** @description training jobs the tenant may have waiting at once (429 beyond) */
            maxQueuedJobs: number;
            /** @description bytes the tenant's datafiles may take in all (429 beyond) */
            maxStorageBytes: number;
        };
        /** @description what each tenant may upload, import and keep */
        LimitSettings: {
            /** @description every tenant's limits unless overridden */
            default: components["schemas"]["TenantLimits"];
            /**
             * @description per-tenant overrides of some or all of the default fields
             * @default {}
             */
            tenants: {
                [key: string]: {
                    /** @description largest datafile the tenant may upload or import, bytes (413 above it) */
                    maxDatafileBytes?: number;
                    /** @description entries (files and folders) one of the tenant's archives may hold (the datafile fails naming the limit) */
                    maxArchiveEntries?: number;
                    /** @description bytes one of the tenant's archives may expand to (the datafile fails naming the limit) */
                    maxUncompressedBytes?: number;
                    /** @description training jobs the tenant may have waiting at once (429 beyond) */
                    maxQueuedJobs?: number;
                    /** @description bytes the tenant's datafiles may take in all (429 beyond) */
                    maxStorageBytes?: number;
                };
            };
        };
        TenantDeletion: {
            /** @description everything is gone; false only while Batch jobs are still stopping: call again after Retry-After */
            complete: boolean;
            batchJobsTerminated: number;
            /** @description Batch job ids still stopping (nothing else was deleted yet) */
            stillStopping: string[];
            objectsDeleted: number;
            recordsDeleted: number;
        };
        Sweep: {
            id: string;
            name?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            solverId: string;
            datasetId: string;
            /** @enum {string} */
            status: "running" | "succeeded" | "failed" | "cancelled";
            /** @enum {string} */
            strategy: "grid" | "random" | "asha";
            parameters: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
            maxTrials: number;
            maxParallel: number;
            objective: {
                output: string;
                /** @enum {string} */
                goal: "maximize" | "minimize";
            };
            asha?: {
                minIterations: number;
                reductionFactor: number;
            };
            /** @description the iterations each rung trains to; the last is the solver max_iter */
            rungs: number[];
            /** @description the seed random and ASHA sweeps drew their points with */
            seed?: number;
            /** @description what every trial's job asks for */
            resources?: {
                /** @enum {string} */
                type: "GPU" | "CPU";
                /** @enum {number} */
                count?: 2 | 4 | 8;
            };
            trials: {
                id: string;
                parameters: {
                    [key: string]: number | string | boolean;
                };
                /** @enum {string} */
                status: "pending" | "running" | "waiting" | "succeeded" | "stopped" | "failed" | "cancelled";
                /** @description the rung its last job trains to (an index into rungs) */
                rung: number;
                /** @description iterations reached */
                iteration: number;
                /** @description the objective at the last rung it completed */
                objective: number | null;
                /** @description the objective at the end of each rung it completed */
                objectives: (number | null)[];
                /** @description its training jobs, one per rung; each after the first resumes the one before */
                jobIds: string[];
                error?: string;
                /** @description what the trial's jobs used (every rung), once any of them ran */
                usage?: components["schemas"]["UsageTotal"];
            }[];
            best?: {
                trialId: string;
                objective: number;
                parameters: {
                    [key: string]: number | string | boolean;
                };
            };
            iterations?: {
                trained: number;
                /** @description what training every trial to max_iter would take */
                everyTrialToTheEnd: number;
            };
            /** @description what every trial's jobs used, summed (in GET /v1/sweeps/{id}) */
            usage?: components["schemas"]["UsageTotal"];
            /** @description what stopping trials early (ASHA, a cancel) saved against training every trial to max_iter: the iterations not trained, and their seconds and cost at the rate the sweep's jobs trained */
            saved?: {
                iterations: number;
                billableSeconds: number;
                estimatedCost?: {
                    amount: number;
                    /** @constant */
                    currency: "USD";
                };
            };
            /** Format: date-time */
            finishedAt?: string;
            /** Format: date-time */
            cancelledAt?: string;
            error?: string;
        };
        UsageTotal: {
            /** @description the attempts' running seconds, each rounded up (time queued is free) */
            billableSeconds: number;
            /** @description each attempt's share of the cheapest priced instance type that fits it, at the stack's price table (absent without one, as in the local cloud) */
            estimatedCost?: {
                amount: number;
                /** @constant */
                currency: "USD";
                /** @enum {string} */
                market: "spot" | "onDemand";
                pricesTakenOn: string;
            };
            /** @description the training jobs whose attempts are summed */
            jobs: number;
        };
        /** @description one page, newest first; pass nextCursor as cursor for the next */
        SweepsPage: {
            items: components["schemas"]["Sweep"][];
            nextCursor: string | null;
        };
        SweepTrial: {
            id: string;
            parameters: {
                [key: string]: number | string | boolean;
            };
            /** @enum {string} */
            status: "pending" | "running" | "waiting" | "succeeded" | "stopped" | "failed" | "cancelled";
            /** @description the rung its last job trains to (an index into rungs) */
            rung: number;
            /** @description iterations reached */
            iteration: number;
            /** @description the objective at the last rung it completed */
            objective: number | null;
            /** @description the objective at the end of each rung it completed */
            objectives: (number | null)[];
            /** @description its training jobs, one per rung; each after the first resumes the one before */
            jobIds: string[];
            error?: string;
            /** @description what the trial's jobs used (every rung), once any of them ran */
            usage?: components["schemas"]["UsageTotal"];
            sweepId: string;
            /** @description its training jobs that exist, in order (a job the sweep has named is created a moment later) */
            jobs: {
                id: string;
                status: string;
                iteration: number;
                resumeFrom?: {
                    trainingJobId: string;
                    iteration: number;
                };
            }[];
            /** @description its train and test points across its jobs: each later job's points replace the earlier one's from where it resumed, so the curve is continuous */
            metrics: components["schemas"]["TrainingJobMetrics"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description the X-Correlation-Id the request sent, else the request id */
        CorrelationId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    GetDatafiles: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only datafiles with this status */
                status?: "awaiting-upload" | "processing" | "ready" | "failed";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your datafiles */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatafilesPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostDatafiles: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    format: "image-folders" | "idx" | "lmdb" | "leveldb";
                    sizeBytes?: number;
                    url?: string;
                };
            };
        };
        responses: {
            /** @description registered; upload the archive as `upload` says */
            201: {
                headers: {
                    /** @description the datafile */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedDatafile"];
                };
            };
            /** @description import queued: the worker fetches the URL (status processing, then ready or failed) */
            202: {
                headers: {
                    /** @description the datafile */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Datafile"];
                };
            };
            /** @description the URL is refused (scheme, credentials, a loopback, private or link-local address) or the body is invalid; or the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description sizeBytes is above your datafile size limit; or the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a quota of yours is used up; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds until retrying may succeed */
                    "retry-after"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatafilesId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the datafile */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Datafile"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteDatafilesId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a dataset uses the datafile, or it is being imported or inspected */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatafilesIdUpload: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the upload instructions */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MultipartUpload"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the datafile has no multipart upload in progress */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostDatafilesIdComplete: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description assembled; inspection queued */
            202: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Datafile"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description parts are missing (named in detail), or the datafile has no multipart upload */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatasets: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only datasets with this status */
                status?: "pending" | "processing" | "ready" | "failed";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your datasets */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetsPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostDatasets: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    training: {
                        /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                        datafileId: string;
                        splitPercentage: number;
                    };
                    testing: {
                        /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                        datafileId: string;
                        splitPercentage: number;
                    };
                    transform?: {
                        grayscale?: boolean;
                        width?: number;
                        height?: number;
                        /** @constant */
                        resizeMode?: "stretch";
                        shuffle?: boolean;
                        seed?: number;
                    };
                    testingMean?: boolean;
                };
            };
        };
        responses: {
            /** @description queued; poll it until ready or failed */
            202: {
                headers: {
                    /** @description the dataset */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a datafile it names does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a datafile it names is not ready (not uploaded, or failed); or this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a quota of yours is used up; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds until retrying may succeed */
                    "retry-after"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatasetsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the dataset */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dataset"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteDatasetsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted, with its LMDBs */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset is being built, or a solver or training job uses it */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatasetsIdMean: {
        parameters: {
            query?: {
                split?: "training" | "testing";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description where to download the mean image */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetMean"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset does not exist, or has no testing mean image (create it with `testingMean: true`); or nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset is not ready: its mean image exists once it is */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetDatasetsIdSamples: {
        parameters: {
            query?: {
                /** @description sample images per class (a dataset keeps up to 16 per class; fewer when it has many classes) */
                perClass?: number;
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the classes in label-index order, each with up to ?perClass= samples */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetSamples"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset is not ready: its samples exist once it is */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetSolvers: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your solvers */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SolversPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostSolvers: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    datasetId: string;
                    solver?: string;
                    net?: string;
                    solverUrl?: string;
                    netUrl?: string;
                };
            };
        };
        responses: {
            /** @description stored */
            201: {
                headers: {
                    /** @description the solver */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Solver"];
                };
            };
            /** @description import queued: status pending, then ready or failed (with `errors`) */
            202: {
                headers: {
                    /** @description the solver */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Solver"];
                };
            };
            /** @description the prototxt is not valid: `errors` holds field, line and column of each mistake; or the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetSolversId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the solver */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Solver"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteSolversId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a training job uses the solver */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetTrainingJobs: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only training-jobs with this status */
                status?: "queued" | "starting" | "running" | "succeeded" | "failed" | "cancelled";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your training-jobs */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJobsPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostTrainingJobs: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    solverId: string;
                    name?: string;
                    maxRuntimeSeconds?: number;
                    resources?: {
                        /** @enum {string} */
                        type: "GPU" | "CPU";
                        /**
                         * @description GPUs on one instance, trained data-parallel (GPU jobs only; default 1)
                         * @enum {number}
                         */
                        count?: 1 | 2 | 4 | 8;
                    };
                    weightsFrom?: {
                        /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                        trainingJobId: string;
                        iteration?: number;
                    } | {
                        /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                        modelId: string;
                    };
                    resumeFrom?: {
                        /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                        trainingJobId: string;
                        iteration?: number;
                    };
                };
            };
        };
        responses: {
            /** @description queued; poll it for progress */
            202: {
                headers: {
                    /** @description the training job */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the solver (or its dataset, or the job to start from) does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the dataset failed, or the snapshot to start from does not exist; or this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a quota of yours is used up; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds until retrying may succeed */
                    "retry-after"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetTrainingJobsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the training job */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteTrainingJobsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted, with its log, snapshots and model */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the job is unfinished, or an unfinished job starts from it */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetTrainingJobsIdLogs: {
        parameters: {
            query?: {
                offset?: number;
                limit?: number;
                wait?: number;
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the log from ?offset= (a window of at most ?limit= bytes, cut at a line break) */
            200: {
                headers: {
                    /** @description the byte offset to ask for next */
                    "x-next-offset"?: string;
                    /** @description `true` once the job has finished and the log is read to its end */
                    "x-log-complete"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description the bytes the Range header asked for */
            206: {
                headers: {
                    /** @description the byte offset to ask for next */
                    "x-next-offset"?: string;
                    /** @description `true` once the job has finished and the log is read to its end */
                    "x-log-complete"?: string;
                    /** @description bytes first-last/size */
                    "content-range"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the offset is past the end of the log */
            416: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetTrainingJobsIdMetrics: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every train and test point in the log */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJobMetrics"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetTrainingJobsIdArtifacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the final model (null until the job succeeds) and every snapshot */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJobArtifacts"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostTrainingJobsIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cancelled */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrainingJob"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the job has already finished */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetClassifiers: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your classifiers */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifiersPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostClassifiers: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    trainingJobId?: string;
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    modelId?: string;
                    iteration?: number;
                    deploy?: string;
                    head?: string;
                    labels?: string[];
                    preprocessing?: {
                        channels: 1 | 3;
                        height: number;
                        width: number;
                        /** @enum {string} */
                        channelOrder?: "BGR" | "GRAY";
                        cropSize?: number;
                        mean?: number[];
                        scale?: number;
                    };
                    name?: string;
                };
            };
        };
        responses: {
            /** @description the classifier, ready to classify */
            201: {
                headers: {
                    /** @description the classifier */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Classifier"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the training job or model does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the job has not succeeded, has no snapshot at that iteration, or its net gives no deploy net; or the model is not ready, or has no deploy net or preprocessing and the request gives none; or this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetClassifiersId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the classifier */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Classifier"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteClassifiersId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostClassifiersIdClassify: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    images: {
                        base64: string;
                    }[];
                    /** @default 5 */
                    topK?: number;
                };
                "multipart/form-data": {
                    /** @default 5 */
                    topK?: number;
                };
            };
        };
        responses: {
            /** @description top labels per image */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyResult"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description more than 16 images or 5242880 bytes of images; or the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON or multipart/form-data */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostClassifiersIdClassifyJobs: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    images?: {
                        url: string;
                    }[];
                    archive?: boolean;
                    topK?: number;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description registered; upload the archive as `upload` says, then the job is queued */
            201: {
                headers: {
                    /** @description the classify job */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedClassifyJob"];
                };
            };
            /** @description queued: the worker fetches the URLs and classifies them */
            202: {
                headers: {
                    /** @description the classify job */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyJob"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the classifier does not exist; or nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetClassifyJobs: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only classify-jobs with this status */
                status?: "awaiting-upload" | "queued" | "starting" | "running" | "succeeded" | "failed";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your classify-jobs */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyJobsPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetClassifyJobsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the classify job */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClassifyJob"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetClassifyJobsIdResults: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description where to download the results */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uri */
                        url: string;
                        bytes: number;
                    };
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the job has not succeeded (yet) */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetModels: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only models with this status */
                status?: "awaiting-upload" | "checking" | "ready" | "failed";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your models */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelsPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostModels: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    deploy?: string;
                    labels?: string[];
                    preprocessing?: {
                        channels: 1 | 3;
                        height: number;
                        width: number;
                        /** @enum {string} */
                        channelOrder?: "BGR" | "GRAY";
                        cropSize?: number;
                        mean?: number[];
                        scale?: number;
                    };
                    sizeBytes?: number;
                    url?: string;
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    trainingJobId?: string;
                    iteration?: number;
                };
            };
        };
        responses: {
            /** @description registered: upload the .caffemodel as `upload` says; or published from the job (ready) */
            201: {
                headers: {
                    /** @description the model */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedModel"];
                };
            };
            /** @description import queued: the worker fetches the URL and checks the weights (checking, then ready or failed) */
            202: {
                headers: {
                    /** @description the model */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            /** @description the URL is refused (scheme, credentials, a loopback, private or link-local address), the deploy net does not parse, or the body is invalid; or the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the training job does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description sizeBytes is above your upload size limit; or the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the training job has no weights (not succeeded) or no snapshot at that iteration; or this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a quota of yours is used up; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds until retrying may succeed */
                    "retry-after"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetModelsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the model */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteModelsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description an unfinished training job fine-tunes from it, a classifier uses it, or it is being checked */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetModelsIdUpload: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the upload instructions */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MultipartUpload"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the model has no multipart upload in progress */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostModelsIdComplete: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description assembled; the check is queued */
            202: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Model"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description parts are missing (named in detail), or the model has no multipart upload */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetAdminCapacity: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the limits in force */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capacity"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PutAdminCapacity: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CapacitySettings"];
            };
        };
        responses: {
            /** @description the limits now in force */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Capacity"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetAdminQueue: {
        parameters: {
            query?: {
                /** @description tenants listed at most (the busiest first) */
                limit?: number;
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the queue now, busiest tenants first */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Queue"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetAdminLimits: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the limits in force */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Limits"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PutAdminLimits: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LimitSettings"];
            };
        };
        responses: {
            /** @description the limits now in force */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Limits"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteAdminTenantsTenantId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the tenant is gone (deleting it again changes nothing) */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantDeletion"];
                };
            };
            /** @description Batch jobs are still stopping: nothing else was deleted yet; call again after Retry-After */
            202: {
                headers: {
                    /** @description seconds to wait before calling again */
                    "Retry-After"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantDeletion"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the caller is not in the admins group */
            403: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetSweeps: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                /** @description only sweeps with this status */
                status?: "running" | "succeeded" | "failed" | "cancelled";
            };
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of your sweeps */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepsPage"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostSweeps: {
        parameters: {
            query?: never;
            header?: {
                /** @description retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again */
                "Idempotency-Key"?: string;
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description a record id, e.g. ds_01jt4x0d6q2rj8c5m6w2tq9m3e */
                    solverId: string;
                    /** @description solver fields by name (`base_lr`) or net fields by a path naming the layer (`layer[conv1].convolution_param.num_output`), each `{values}`, `{uniform}`, `{logUniform}` or `{intUniform}` */
                    parameters: {
                        [key: string]: {
                            values: (number | string | boolean)[];
                        } | {
                            uniform: [
                                number,
                                number
                            ];
                        } | {
                            logUniform: [
                                number,
                                number
                            ];
                        } | {
                            intUniform: [
                                number,
                                number
                            ];
                        };
                    };
                    /** @enum {string} */
                    strategy: "grid" | "random" | "asha";
                    /** @description trials to run (grid: default and at most the grid size; required otherwise) */
                    maxTrials?: number;
                    /** @default 2 */
                    maxParallel?: number;
                    objective: {
                        /** @description a test output of the net, e.g. 'accuracy' */
                        output: string;
                        /** @enum {string} */
                        goal: "maximize" | "minimize";
                    };
                    asha?: {
                        minIterations: number;
                        /** @default 3 */
                        reductionFactor?: number;
                    };
                    seed?: number;
                    /** @description every trial job's resources, as a training job's */
                    resources?: {
                        /** @enum {string} */
                        type: "GPU" | "CPU";
                        /**
                         * @description GPUs on one instance, trained data-parallel (GPU jobs only; default 1)
                         * @enum {number}
                         */
                        count?: 1 | 2 | 4 | 8;
                    };
                };
            };
        };
        responses: {
            /** @description started: its first trials are queued */
            202: {
                headers: {
                    /** @description the sweep */
                    location?: string;
                    /** @description true when this is the stored answer to a retried Idempotency-Key */
                    "idempotent-replayed"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            /** @description a parameter names no field, or a value Caffe refuses: `errors` names `parameters.<name>`; or the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the solver does not exist */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a request with this Idempotency-Key is still in progress; retry it later */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit */
            413: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is not JSON */
            415: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the solver or its dataset cannot be trained; or this Idempotency-Key was used with a different request body */
            422: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description a quota of yours is used up; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds until retrying may succeed */
                    "retry-after"?: string;
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetSweepsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the sweep */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DeleteSweepsId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the sweep is running; cancel it first */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetSweepsIdTrialsTrialId: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
                trialId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the trial */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepTrial"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such sweep, or no such trial in it; or nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PostSweepsIdCancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cancelled */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sweep"];
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no bearer token, or the token was rejected */
            401: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description nothing of yours has this id (another tenant's id answers the same) */
            404: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the sweep has already finished */
            409: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GetOpenapiJson: {
        parameters: {
            query?: never;
            header?: {
                /** @description names the request in logs, events and the answer */
                "X-Correlation-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the OpenAPI 3.1 document */
            200: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        info: {
                            title: string;
                        } & {
                            [key: string]: unknown;
                        };
                        paths: {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description the request is invalid; `errors` names each bad field (or the X-Correlation-Id header) */
            400: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the request failed unexpectedly; `instance` ties it to the log */
            500: {
                headers: {
                    "x-correlation-id": components["headers"]["CorrelationId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
