from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from csr_platform.api import views

router = SimpleRouter(trailing_slash=True)
router.register("members", views.MembershipViewSet, basename="membership")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("tokens", views.ApiTokenViewSet, basename="apitoken")
router.register("security-events", views.SecurityEventViewSet, basename="securityevent")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token-obtain"),
    path("whoami/", views.WhoAmIView.as_view(), name="api-whoami"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # Swagger UI sets inline styles on the elements it draws; only this page allows them.
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("laws/", include("laws.api.urls")),
    path("", include("suppliers.api.urls")),
    path("", include("audits.api.urls")),
    path("", include("remediation.api.urls")),
    path("", include("reports.api.urls")),
    path("", include(router.urls)),
]
