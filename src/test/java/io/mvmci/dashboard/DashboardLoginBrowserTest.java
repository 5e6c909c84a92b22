package io.mvmci.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.testing.Browser;
import io.mvmci.testing.Http;
import io.mvmci.testing.TestDirs;
import io.mvmci.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/**
 * With {@code [api] token} set, the dashboard asks for it: every page leads to the login form, the
 * session is an HttpOnly, SameSite=Strict cookie the page's scripts cannot read, and the page's
 * actions carry the anti-CSRF header the cookie alone does not give.
 */
class DashboardLoginBrowserTest {
  @RegisterExtension static final TestDirs dirs = new TestDirs();
  static final String TOKEN = "dashboard-token-0123456789";
  static TestNode node;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start();
    node = TestNode.cluster(dirs.create("mvmci-login"), 1,
        "\n[api]\ntoken = \"" + TOKEN + "\"\n[workers]\nembedded = 0\n").get(0).start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void thePagesNeedALoginAndTheSessionIsAnHttpOnlyCookie() {
    String id = Http.post(node.url("/api/v1/jobs"), "application/json", "{\"workflow\":\"noop\",\"delay_ms\":600000}".getBytes(),
        "Authorization", "Bearer " + TOKEN).json().get("job_id").asString();
    browser.open(node.url("/#/jobs"));
    browser.await("input[name=token]");
    assertThat(browser.driver.findElements(By.id("jobs-body"))).as("no data before the login").isEmpty();

    browser.driver.findElement(By.name("token")).sendKeys("not-the-token-at-all");
    browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
    browser.awaitText(".login .error", "not this cluster's token");
    assertThat(browser.consoleErrors()).as("the refused login, and nothing else").hasSize(1)
        .allMatch(e -> e.contains("/api/v1/session") && e.contains("401"));

    browser.driver.findElement(By.name("token")).clear();
    browser.driver.findElement(By.name("token")).sendKeys(TOKEN);
    browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
    browser.await("#counts .card");
    Cookie session = browser.driver.manage().getCookieNamed("mvmci_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat((String) browser.js("return document.cookie;")).doesNotContain("mvmci_session");

    browser.open(node.url("/#/jobs/" + id));
    browser.awaitText("h1 .badge", "Pending");
    browser.driver.findElement(By.id("cancel")).click();
    browser.awaitText("h1 .badge", "Cancelled");

    String cookie = "mvmci_session=" + session.getValue();
    assertThat(Http.get(node.url("/api/v1/jobs/" + id), "Cookie", cookie).status()).isEqualTo(200);
    assertThat(Http.get(node.url("/api/v1/cluster/consistency"), "Cookie", cookie).status())
        .as("the Cluster page's copies line reads with the session").isEqualTo(200);
    assertThat(Http.get(node.url("/api/v1/cluster/consistency")).status()).isEqualTo(401);
    Http.Reply forged = Http.post(node.url("/api/v1/jobs/" + id + "/retry"), null, new byte[0], "Cookie", cookie);
    assertThat(forged.status()).as("the cookie alone cannot change anything").isEqualTo(403);
    assertThat(forged.json().get("type").asString()).isEqualTo("urn:mvmci:problem:csrf");
    assertThat(Http.get(node.url("/api/v1/jobs/" + id)).status()).isEqualTo(401);
    assertThat(Http.get(node.url("/api/v1/jobs/" + id), "Cookie", "mvmci_session=v1.99999999999.x.y").status())
        .isEqualTo(401);

    browser.driver.findElement(By.id("logout")).click();
    browser.await("input[name=token]");
    // The job page may still be refreshing after the cancel (its events, history and artifacts) when the
    // session ends on a loaded machine: those requests are refused, which Chromium logs; nothing else may be.
    assertThat(browser.consoleErrors()).as("only requests in flight at the logout, refused")
        .allMatch(e -> e.contains("/api/v1/jobs/" + id + "/") && e.contains("status of 401"));
  }
}
