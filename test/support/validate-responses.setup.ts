/** jest setupFiles (integration, e2e): every API answer the client sees is checked against the OpenAPI document. */
process.env.ELASTIC_CAFFE_VALIDATE_RESPONSES = '1';
