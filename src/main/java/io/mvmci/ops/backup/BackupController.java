package io.mvmci.ops.backup;

import java.io.IOException;
import java.net.URI;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code POST /api/v1/admin/backup}: an encrypted online backup of this node's database, streamed
 * as {@code application/octet-stream}. Guarded by {@code secret_api} (the API's InternalAuthFilter
 * treats {@code /api/v1/admin/*} as administration). The copy is taken before the answer starts, so
 * a failure to take it is a problem+json answer, not a truncated file.
 */
@RestController
class BackupController {
  private final Backups backups;

  BackupController(Backups backups) {
    this.backups = backups;
  }

  @PostMapping("/api/v1/admin/backup")
  ResponseEntity<StreamingResponseBody> backup() throws IOException {
    Backups.Copy copy = backups.copy();
    StreamingResponseBody body = out -> {
      try (copy) {
        backups.write(copy, out);
      }
    };
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .header(HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(backups.fileName(copy.header())).build().toString())
        .header("X-Mvmci-Backup-Applied-Index", Long.toString(copy.header().appliedIndex()))
        .body(body);
  }

  @ExceptionHandler(BackupException.class)
  ResponseEntity<ProblemDetail> refused(BackupException e) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    p.setType(URI.create("urn:mvmci:problem:backup-unavailable"));
    p.setTitle("Backup unavailable");
    return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
  }
}
