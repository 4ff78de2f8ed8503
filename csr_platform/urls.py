from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from csr_platform.views import auth, notifications, pages
from csr_platform.views import settings as settings_views

auth_patterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="auth/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="auth/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "invitations/<str:secret>/", auth.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
]

settings_patterns = [
    path("", RedirectView.as_view(pattern_name="settings_profile"), name="settings"),
    path("profile/", settings_views.ProfileView.as_view(), name="settings_profile"),
    path("password/", auth.PasswordChangeView.as_view(), name="settings_password"),
    path("members/", settings_views.MembersPage.as_view(), name="settings_members"),
    path("members/invite/", settings_views.InviteView.as_view(), name="settings_invite"),
    path(
        "members/<uuid:pk>/role/",
        settings_views.MemberRoleView.as_view(),
        name="settings_member_role",
    ),
    path(
        "members/<uuid:pk>/remove/",
        settings_views.MemberRemoveView.as_view(),
        name="settings_member_remove",
    ),
    path(
        "invitations/<uuid:pk>/revoke/",
        settings_views.InvitationRevokeView.as_view(),
        name="settings_invitation_revoke",
    ),
    path("tokens/", settings_views.TokensPage.as_view(), name="settings_tokens"),
    path(
        "tokens/<uuid:pk>/revoke/",
        settings_views.TokenRevokeView.as_view(),
        name="settings_token_revoke",
    ),
    path("security/", settings_views.SecurityEventsPage.as_view(), name="settings_security"),
]

notification_patterns = [
    path("", notifications.NotificationListPage.as_view(), name="notification_list"),
    path("<uuid:pk>/read/", notifications.NotificationReadView.as_view(), name="notification_read"),
    path(
        "read-all/",
        notifications.NotificationsReadAllView.as_view(),
        name="notifications_read_all",
    ),
]

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("switch/", pages.switch_organization, name="switch_organization"),
    path("language/", pages.set_language, name="set_language"),
    path("accounts/", include(auth_patterns)),
    path("settings/", include(settings_patterns)),
    path("notifications/", include(notification_patterns)),
    path("laws/", include("laws.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("audits/", include("audits.urls")),
    path("caps/", include("remediation.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("csr_platform.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "csr_platform.views.pages.page_not_found"
