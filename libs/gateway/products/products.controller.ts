import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProductPageDto, ProductViewDto } from '../http/openapi/views.dto';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { CatalogClient, ProductPage, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { TokenService } from '../auth/token.service';
import { AdjustStockDto, CreateProductDto, ListProductsQueryDto, UpdateProductDto } from './products.dto';

@Controller('products')
export class ProductsController {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly tokens: TokenService,
  ) {}

  @Post()
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  @ApiResponse({ status: 201, type: ProductViewDto, description: 'The product, created' })
  create(@Body() body: CreateProductDto): Promise<ProductView> {
    return this.catalog.createProduct({ ...body });
  }

  /** Public; `includeInactive=true` is for admins only (401 without a token, 403 for others). */
  @Get()
  @ApiResponse({ status: 200, type: ProductPageDto, description: 'A page of products' })
  async list(@Query() query: ListProductsQueryDto, @Headers('authorization') authorization?: string): Promise<ProductPage> {
    if (query.includeInactive) await this.requireAdmin(authorization);
    const { limit, offset, category, q, sort, includeInactive } = query;
    return this.catalog.listProducts({ limit, offset, category, q, sort, includeInactive });
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: ProductViewDto, description: 'The product' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ProductView> {
    return this.catalog.getProduct({ id });
  }

  @Patch(':id')
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  @ApiResponse({ status: 200, type: ProductViewDto, description: 'The product, updated' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateProductDto): Promise<ProductView> {
    // Declared fields may exist as own properties holding undefined: count the values sent.
    if (Object.values(body).every((value) => value === undefined)) throw new BadRequestError('Send at least one of name, description, category, priceCents, currency, active');
    return this.catalog.updateProduct({ ...body, id });
  }

  @Post(':id/stock')
  @HttpCode(200)
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  @ApiResponse({ status: 200, type: ProductViewDto, description: 'The product, with its new stock' })
  adjustStock(@Param('id', ParseUUIDPipe) id: string, @Body() body: AdjustStockDto): Promise<ProductView> {
    return this.catalog.adjustStock({ id, delta: body.delta });
  }

  /** Deactivates: orders and history still refer to the product, so it is never deleted. */
  @Delete(':id')
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  @ApiResponse({ status: 200, type: ProductViewDto, description: 'The product, deactivated' })
  deactivate(@Param('id', ParseUUIDPipe) id: string): Promise<ProductView> {
    return this.catalog.updateProduct({ id, active: false });
  }

  private async requireAdmin(authorization?: string): Promise<void> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('includeInactive is for administrators: send "Authorization: Bearer <token>"');
    const user = await this.tokens.verify(match[1]);
    if (user.role !== 'admin') throw new ForbiddenError('Only administrators may list inactive products');
  }
}
