"""Admin pages that are views rather than editable tables (the import page, background jobs): shown
to whoever holds the permissions they name, never added to, changed or deleted through the admin."""


class ViewOnlyForPermissions:
    """Mixin for a ModelAdmin: `required_permissions` gate the module and its views; nothing is editable."""

    required_permissions: tuple[str, ...] = ()

    def has_required_permissions(self, request) -> bool:
        return all(request.user.has_perm(permission) for permission in self.required_permissions)

    def has_module_permission(self, request):
        return self.has_required_permissions(request)

    def has_view_permission(self, request, obj=None):
        return self.has_required_permissions(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
