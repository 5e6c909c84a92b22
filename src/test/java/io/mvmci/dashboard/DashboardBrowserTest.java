package io.mvmci.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Browser;
import io.mvmci.testing.CountingServer;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The dashboard in headless Chromium, served by a follower of a three-node cluster: a job submitted
 * with curl appears on the open jobs page (and the overview's latest jobs) without a reload; the detail page shows progress and log
 * lines as they arrive; cancel and retry work from their buttons; the Cluster page says whether the
 * members' copies agree (none checked yet, then a check started); every page loads without a console
 * error. With {@code -Dmvmci.screenshots=DIR} it also saves a screenshot of each main page there
 * (the ones under {@code docs/} came from this test).
 */
class DashboardBrowserTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String JSON = "application/json";
  static List<TestNode> nodes;
  static TestNode follower;
  static CountingServer web;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    web = new CountingServer();
    nodes = TestNode.startAll(TestNode.cluster(dirs.create("mvmci-dashboard"), 3,
        "\n[workers]\nembedded = 2\n"));
    follower = awaitFollower();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (nodes != null) {
      nodes.forEach(TestNode::close);
    }
    if (web != null) {
      web.close();
    }
  }

  static TestNode awaitFollower() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (TestNode n : nodes) {
        var view = Http.get(n.url("/api/v1/cluster")).json();
        if (view.get("role").asString().equals("follower") && !view.get("leader_id").isNull()) {
          return n;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no follower with a leader within 30 s");
  }

  /** Submits with curl, as a person would (with Java's client where there is no curl). */
  static String curlSubmit(String body) throws Exception {
    String url = follower.url("/api/v1/jobs");
    if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
      Process p = new ProcessBuilder("curl", "-s", "-X", "POST", url, "-H", "Content-Type: application/json", "-d", body)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).isZero();
      return Http.JSON.readTree(out).get("job_id").asString();
    }
    return Http.post(url, JSON, body).json().get("job_id").asString();
  }

  static String heldPipeline(String held) throws Exception {
    web.hold(held);
    return curlSubmit("{\"workflow\":\"pipeline\",\"input\":{\"steps\":[{\"name\":\"fetch\",\"url\":\""
        + web.url("/page") + "\"},{\"name\":\"deploy\",\"url\":\"" + web.url(held) + "\",\"retries\":0}]}}");
  }

  static void screenshot(String name) {
    String dir = System.getProperty("mvmci.screenshots");
    if (dir != null) {
      browser.screenshot(Path.of(dir), name);
    }
  }

  @Test
  void aJobSubmittedWithCurlAppearsOnTheOpenJobsPageWithoutAReload() throws Exception {
    browser.open(follower.url("/#/jobs"));
    browser.await("#jobs-body");
    browser.js("window.__stillTheSamePage = true;");
    String id = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    browser.await("tr[data-job='" + id + "']");
    browser.awaitText("tr[data-job='" + id + "'] .badge", "Pending");
    assertThat(browser.js("return window.__stillTheSamePage === true;")).as("no reload").isEqualTo(true);
    String running = curlSubmit("{\"workflow\":\"noop\"}");
    browser.awaitText("tr[data-job='" + running + "'] .badge", "Completed");
    assertThat(browser.consoleErrors()).isEmpty();

    browser.open(follower.url("/"));
    browser.await("#recent-body");
    String onOverview = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    browser.awaitText("#recent-body tr[data-job='" + onOverview + "']", "Pending");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void theLabelFilterNarrowsTheJobsListAndStaysInTheUrl() throws Exception {
    String gpu = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000,\"labels\":[\"gpu\",\"arm64\"]}");
    String plain = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    browser.open(follower.url("/#/jobs"));
    browser.await("tr[data-job='" + plain + "']");
    browser.awaitText("tr[data-job='" + gpu + "'] td.labels", "gpu");
    var input = browser.await("form.filters input[name=label]");
    input.sendKeys("gpu");
    browser.driver.findElement(By.cssSelector("form.filters button[type=submit]")).click();
    browser.waiting().until(d -> String.valueOf(browser.js("return location.hash;")).contains("label=gpu"));
    browser.await("tr[data-job='" + gpu + "']");
    browser.waiting().until(d -> d.findElements(By.cssSelector("tr[data-job='" + plain + "']")).isEmpty());
    assertThat(browser.driver.findElements(By.cssSelector("#jobs-body tr[data-job]")))
        .as("every row shown requires gpu").allSatisfy(tr -> assertThat(tr.getText()).contains("gpu"));
    String plainLater = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000}");
    String gpuLater = curlSubmit("{\"workflow\":\"noop\",\"delay_ms\":600000,\"labels\":[\"gpu\"]}");
    browser.await("tr[data-job='" + gpuLater + "']");
    assertThat(browser.driver.findElements(By.cssSelector("tr[data-job='" + plainLater + "']")))
        .as("a live job without the label stays out").isEmpty();
    assertThat(browser.consoleErrors()).isEmpty();

    browser.open(follower.url("/#/workers"));
    browser.awaitText("#workers thead", "labels");
  }

  @Test
  void theDetailPageShowsProgressAndLogLinesAsTheyArriveAndCancelWorksFromItsButton() throws Exception {
    String id = heldPipeline("/slow/detail");
    browser.open(follower.url("/#/jobs/" + id));
    browser.awaitText("#log", "step 1/2 fetch: HTTP 200");
    browser.awaitText("#progress-text", "50%");
    assertThat(browser.await("#progress [role=progressbar]").getAttribute("aria-valuenow")).isEqualTo("50");
    browser.awaitText("#history", "http_request");
    screenshot("job");
    browser.click("#cancel");
    browser.awaitText("h1 .badge", "Cancelled");
    browser.awaitText("#timeline", "cancelled by the API");
    assertThat(Http.get(follower.url("/api/v1/jobs/" + id)).json().get("status").asString()).isEqualTo("Cancelled");
    web.release("/slow/detail");

    browser.waiting().until(d -> d.findElement(By.id("retry")).isEnabled());
    browser.click("#retry");
    browser.awaitText("#timeline", "retried by the API (was Cancelled)");
    browser.awaitText("h1 .badge", "Completed");
    browser.awaitText("#log", "step 2/2 deploy: HTTP 200");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  /** For the screenshots: some throughput to draw, in a few bursts. */
  @Test
  void aWaitingJobSaysWhatItWaitsForAndTheSignalButtonWakesIt() throws Exception {
    Http.Reply deployed = Http.post(nodes.get(0).url("/api/v1/modules/waits"), "application/wasm",
        Files.readAllBytes(Path.of("workflows/testing/waits/waits.wasm")), "Authorization",
        "Bearer " + nodes.get(0).bean(io.mvmci.api.ApiSecret.class).value());
    assertThat(deployed.status()).as(deployed.body()).isIn(200, 201);
    String id = curlSubmit("{\"workflow\":\"waits\",\"input\":{\"gate\":\"\"}}");
    browser.open(follower.url("/#/jobs/" + id));
    browser.awaitText("h1 .badge", "Waiting");
    browser.awaitText("#summary", "signal:approve");
    org.openqa.selenium.WebElement payload = browser.await("#signal-payload");
    payload.clear();
    payload.sendKeys("{\"by\":\"browser\"}");
    browser.click("#signal");
    browser.awaitText("h1 .badge", "Completed");
    browser.awaitText("#output", "browser");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void aScheduleCreatedInTheFormFiresShowsItsFiresAndPausesFromItsButton() {
    browser.open(follower.url("/#/schedules"));
    browser.await("#create-schedule");
    browser.driver.findElement(By.name("id")).sendKeys("browser-tick");
    browser.driver.findElement(By.name("cron")).sendKeys("* * * * * *");
    org.openqa.selenium.WebElement zone = browser.driver.findElement(By.name("time_zone"));
    zone.clear();
    zone.sendKeys("Asia/Tokyo");
    browser.driver.findElement(By.name("workflow")).sendKeys("noop");
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.name("overlap"))).selectByValue("allow");
    browser.driver.findElement(By.cssSelector("#create-schedule button[type=submit]")).click();
    browser.awaitText("#create-result", "Created browser-tick");
    browser.awaitText("tr[data-schedule='browser-tick']", "Asia/Tokyo");
    assertThat(Http.get(follower.url("/api/v1/schedules/browser-tick")).json().get("overlap").asString()).isEqualTo("allow");

    browser.click("tr[data-schedule='browser-tick'] a");
    browser.awaitText("#fires-body", "submitted");
    browser.awaitText("#fires-body", "job-");
    browser.click("#schedule-summary button[data-action=pause]");
    browser.awaitText("#schedule-summary h1", "paused");
    assertThat(Http.get(follower.url("/api/v1/schedules/browser-tick")).json().get("paused").asBoolean()).isTrue();

    browser.open(follower.url("/#/schedules"));
    browser.await("#create-schedule");
    browser.driver.findElement(By.name("id")).sendKeys("browser-bad");
    browser.driver.findElement(By.name("cron")).sendKeys("0 0 25 * * *");
    browser.driver.findElement(By.name("workflow")).sendKeys("noop");
    browser.driver.findElement(By.cssSelector("#create-schedule button[type=submit]")).click();
    browser.awaitText("#create-result .error", "cron");
    assertThat(browser.consoleErrors()).as("only the refused create's 400").allMatch(e -> e.contains("400"));
    assertThat(Http.delete(follower.url("/api/v1/schedules/browser-tick")).status()).isEqualTo(204);
  }

  @Test
  void theClusterPageSaysWhetherTheCopiesAgreeWithoutAReload() {
    // no check yet: the cluster's interval is an hour, and nothing else here starts one
    browser.open(follower.url("/#/cluster"));
    browser.awaitText("#copies-line", "No consistency check has run yet");
    assertThat(browser.await("#copies-line").getText()).contains("mvm-ci cluster check",
        "consistency_check_interval_ms");
    browser.js("window.__stillTheSamePage = true;");

    Http.Reply started = Http.post(nodes.get(0).url("/api/v1/admin/cluster/consistency"), null, new byte[0],
        "Authorization", "Bearer " + nodes.get(0).bean(io.mvmci.api.ApiSecret.class).value());
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    long index = started.json().get("check_index").asLong();
    browser.awaitText("#copies-line", "Copies agree at index " + index + " (3 of 3 members, checked ");
    assertThat(browser.await("#copies-line .badge.copies-agree").getText()).isEqualTo("agree");
    screenshot("cluster"); // the Cluster page with its copies checked, for the README
    assertThat(browser.js("return window.__stillTheSamePage === true;")).as("no reload").isEqualTo(true);
    assertThat(browser.consoleErrors()).isEmpty();
  }

  static void someLoad() throws InterruptedException {
    StringBuilder batch = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 200; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"workflow\":\"noop\"}");
    }
    String body = batch.append("]}").toString();
    for (int burst = 0; burst < 4; burst++) {
      Http.post(follower.url("/api/v1/jobs/batch"), JSON, body);
      Thread.sleep(1_500);
    }
  }

  @Test
  void everyPageLoadsWithoutAConsoleError() throws InterruptedException {
    if (System.getProperty("mvmci.screenshots") != null) {
      someLoad();
    }
    record Page(String route, String ready, String shot) {}
    for (Page p : List.of(new Page("#/", "#counts .card", "overview"), new Page("#/jobs", "#jobs-body tr", "jobs"),
        new Page("#/workers", "#workers-body tr", "workers"), new Page("#/cluster", "#cluster-body tr", null),
        new Page("#/modules", "#modules .panel", "modules"), new Page("#/schedules", "#schedules-body tr", "schedules"))) {
      browser.open(follower.url("/" + p.route()));
      browser.await(p.ready());
      if (p.route().equals("#/")) {
        browser.await("#throughput svg");
        browser.awaitText("#health", "node 3");
      }
      if (p.route().equals("#/cluster")) {
        browser.awaitText("#cluster-body", "leader");
      }
      if (p.shot() != null) {
        screenshot(p.shot());
      }
      assertThat(browser.consoleErrors()).as(p.route()).isEmpty();
    }
  }
}
